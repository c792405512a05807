#!/usr/bin/env python3
"""Vietnamese page-dump dev data for the extraction stage, built around real article text.

Takes VLSP 2018 NER documents (real news articles; entity tags stripped) and wraps each one the
way crawlers save Vietnamese news pages (see ../shared/seeds): menu lines, a section timestamp
line, a byline, photo captions, a source credit, "Tin liên quan"/"Đọc thêm" blocks with other
articles' headlines, teasers and timestamps, "|" rows, widgets and counters, sometimes a repeated
headline. Writes NAME.txt (the dump) and NAME.gold.txt (title + the article's paragraphs) so
`../shared/eval/score.py extract --gold OUT` scores it.

The boilerplate comes from the same cue families the extractor knows, so this set mostly checks
that real article text (subheadings, quotes, lists, short paragraphs) survives; recall is the
figure to watch. Every fifth document, sorted by path, is used; the text is not shipped.

usage: benches/vi_dumps.py [--data ../shared/data/ner/vlsp2018] [--out DIR] [--count N]
"""
import argparse
import glob
import os
import random
import re

MENU = ["Trang chủ", "Thời sự", "Thế giới", "Kinh tế", "Xã hội", "Văn hóa", "Thể thao",
        "Giáo dục", "Sức khỏe", "Pháp luật", "Công nghệ", "Đời sống"]
SECTIONS = ["Quốc tế", "Thời sự", "Kinh tế", "Xã hội", "Giáo dục", "Thể thao"]
TRIGGERS = ["Tin liên quan", "Đọc thêm", "Có thể bạn quan tâm", "Nên xem", "Tin khác",
            "Tin cùng chuyên mục", "Bài liên quan"]
CREDITS = ["(TTXVN)", "(TTXVN/Vietnam+)", "Theo VnExpress", "Theo Sputnik, TASS", "(Theo Reuters)",
           "Nguồn: Báo Tin tức"]
AUTHORS = ["Minh Anh", "Thu Hà", "Bảo Hà", "Quang Huy", "Ngọc Lan", "Hoàng Nam"]
WIDGETS = ["Theo dõi Báo Tin tức trên", "Phiên bản di động", "Go top", "Thống kê truy cập",
           "Bình luận", "Chia sẻ", "Đăng nhập"]


def article(path):
    raw = open(path, encoding="utf-8").read()
    text = re.sub(r"</?ENAMEX[^>]*>", "", raw)
    paras = [re.sub(r"\s+", " ", p).strip() for p in text.split("\n")]
    # Documents repeat their lead paragraph; a page shows it once.
    paras = [p for i, p in enumerate(paras) if p and p not in paras[:i]]
    if len(paras) < 3:
        return None
    return paras[0], paras[1:]


CAPTION = re.compile(r"(\(?\b[Ả]nh\s*:|[Ả]nh minh h[ọo]a|Nguồn ảnh)", re.IGNORECASE)


def gold_lines(title, body):
    """The seeds' gold convention: title, lead and body; no photo captions (short lines with an
    "Ảnh:" credit), and no byline or source credit closing the article (short last lines)."""
    keep = [p for p in body if not (CAPTION.search(p) and len(p.split()) <= 40)]
    while keep and len(keep[-1].split()) <= 6 and not keep[-1].endswith((".", "!", "?", "”", '"')):
        keep.pop()
    return [title] + keep


def stamp(rng):
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(18, 24)} " \
           f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"


def dump(rng, title, body, others):
    lines, gold = [], gold_lines(title, body)
    if rng.random() < 0.7:
        lines += rng.sample(MENU, rng.randint(3, 7))
    if rng.random() < 0.3:
        lines.append(" | ".join(rng.sample(MENU, 4)) + " |")
    lines.append(title)
    lines.append(f"{rng.choice(SECTIONS)} {stamp(rng)}")
    if rng.random() < 0.5:
        lines.append(rng.choice(AUTHORS))
    for i, p in enumerate(body):
        lines.append(p)
        if i == 0 and rng.random() < 0.4:
            lines.append(title)  # the headline repeated above the photo
        if rng.random() < 0.15:
            subject = " ".join(p.split()[:rng.randint(6, 12)]).rstrip(",.")
            lines.append(f"{subject}. (Ảnh: {rng.choice(['TTXVN', 'AFP', 'Reuters', 'Internet'])})")
    lines.append(rng.choice(CREDITS))
    for _ in range(rng.randint(1, 2)):
        lines.append(rng.choice(TRIGGERS))
        style = rng.random()
        for o_title, o_body in rng.sample(others, rng.randint(3, 6)):
            lines.append(o_title)
            if style < 0.4:
                lines.append(f"{rng.choice(SECTIONS)} {stamp(rng)}")
            elif style < 0.7 and o_body:
                lines.append(o_body[0])
    for w in rng.sample(WIDGETS, rng.randint(2, 4)):
        lines.append(w)
    if rng.random() < 0.5:
        lines.append(f"Tổng lượt truy cập: {rng.randint(10**6, 10**8)}")
    return "\n".join(lines) + "\n", "\n".join(gold) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                   "data", "ner", "vlsp2018"))
    ap.add_argument("--out", default="/tmp/vitext-vi-dumps")
    ap.add_argument("--count", type=int, default=150)
    a = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(a.data, "**", "*.muc"), recursive=True))[::5]
    docs = [d for d in (article(p) for p in paths) if d]
    rng = random.Random(2018)
    os.makedirs(a.out, exist_ok=True)
    for i, (title, body) in enumerate(docs[: a.count]):
        others = [d for d in docs if d[0] != title]
        text, gold = dump(rng, title, body, others)
        open(os.path.join(a.out, f"vlsp2018-{i:03d}.txt"), "w", encoding="utf-8").write(text)
        open(os.path.join(a.out, f"vlsp2018-{i:03d}.gold.txt"), "w", encoding="utf-8").write(gold)
    print(f"wrote {min(a.count, len(docs))} page dumps to {a.out}")


if __name__ == "__main__":
    main()
