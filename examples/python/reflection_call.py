#!/usr/bin/env python3
"""Calls every TextAnalyzer RPC using only server reflection (no .proto, no generated code).

    python3 examples/python/reflection_call.py 127.0.0.1:50051 FILE.txt

Prints one line per RPC with what came back; exits non-zero if any call fails.
"""
import sys

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

addr, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
channel = grpc.insecure_channel(addr)
pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
service = pool.FindServiceByName("vitext.v1.TextAnalyzer")


def cls(name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))


def doc(i):
    return {"id": f"r{i}", "text": text}


failed = 0
for i, method in enumerate(service.methods):
    req_cls, resp_cls = cls(method.input_type.full_name), cls(method.output_type.full_name)
    path_ = f"/{service.full_name}/{method.name}"
    try:
        if method.client_streaming:
            call = channel.stream_stream(path_, request_serializer=req_cls.SerializeToString, response_deserializer=resp_cls.FromString)
            reqs = [req_cls(request=cls("vitext.v1.AnalyzeRequest")(document=doc(i * 10 + k))) for k in range(3)]
            answers = list(call(iter(reqs), timeout=30))
            ids = sorted(a.response.id for a in answers)
            print(f"{method.name}: {len(answers)} answers {ids}")
            assert len(answers) == 3
        else:
            call = channel.unary_unary(path_, request_serializer=req_cls.SerializeToString, response_deserializer=resp_cls.FromString)
            r = call(req_cls(document=doc(i)), timeout=30)
            fields = {f.name: len(v) if hasattr(v, "__len__") else v for f, v in r.ListFields()}
            print(f"{method.name}: {fields}")
    except Exception as e:  # report every RPC, then fail
        failed += 1
        print(f"{method.name}: FAILED {e}")
sys.exit(1 if failed else 0)
