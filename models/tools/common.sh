# Sourced by the training scripts here: where the data and the VietNews tables are, and the
# vitext binary to run (VITEXT_BIN, or this checkout built in release).
V=../shared/data/unlabelled/vietnews
W=${VITEXT_WORDS_DIR:-/tmp/vitext-words}
mkdir -p "$W"
BIN=${VITEXT_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/vitext
fi
NEWS=(--corpus $V/train-00.jsonl.xz --corpus $V/train-01.jsonl.xz --corpus $V/train-02.jsonl.xz --corpus $V/train-03.jsonl.xz)
# The word classes both the part-of-speech and the entity model read.
[ -f "$W/classes.bin" ] || "$BIN" train clusters "${NEWS[@]}" --classes 128,1024 --min-count 10 --out "$W/classes.bin"
