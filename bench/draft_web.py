"""Start a plan from a document, as the web does it: the request's time for each seed document.

Sets up a throwaway SQLite database, signs a planner in (Django's test client, no server), and
posts each seed document in plans/sources/ to /plans/new/from-document/ ``--runs`` times (a new
plan code each time): the upload checked, the document drafted, the plan created with its empty
first version and the draft put into its change, one edit per element. Prints each document's
median and slowest request, its elements and how many are marked REVIEW; then how long refusing a
zip bomb (a .docx unpacking past the 200 MB limit) and a decompression bomb (a PDF stream) takes.

    .venv/bin/python bench/draft_web.py [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def zip_bomb(unpacked: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(unpacked // MB):
                part.write(b" " * MB)
    return out.getvalue()


def pdf_bomb(unpacked: int) -> bytes:
    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(b"\0" * MB) for _ in range(unpacked // MB)) + packer.flush()
    return (
        b"%%PDF-1.4\n1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="gt-bench-")
    os.environ["GOLDENTHREAD_VAR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from goldenthread.access import roles
    from goldenthread.plans import changes
    from goldenthread.plans import models as m

    call_command("migrate", verbosity=0)
    planner = get_user_model().objects.create_superuser("planner")
    roles.grant(planner, roles.PLANNING_TEAM)
    client = Client(HTTP_HOST="localhost")
    client.force_login(planner)

    def post(name: str, content: bytes, code: str) -> tuple[float, int]:
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        start = time.perf_counter()
        response = client.post("/plans/new/from-document/", {"document": upload, "code": code})
        return time.perf_counter() - start, response.status_code

    print(f"{'document':<28} {'KB':>6} {'median s':>9} {'slowest s':>10} {'elements':>9} {'REVIEW':>7}")
    for seed in sorted((ROOT / "plans" / "sources").glob("0*.txt")):
        content, times = seed.read_bytes(), []
        for run in range(args.runs):
            seconds, status = post(seed.name, content, f"bench-{seed.name[:3]}-{run}")
            if status != 302:
                print(f"{seed.name}: answered {status}", file=sys.stderr)
                return 1
            times.append(seconds)
        change = changes.open_change(m.Plan.objects.get(code=f"bench-{seed.name[:3]}-0"))
        assert change is not None
        edits = change.edits.count()
        review = sum(1 for e in change.edits.all() if "REVIEW" in str((e.after or {}).get("added")))
        print(
            f"{seed.name:<28} {len(content) / 1024:>6.0f} {statistics.median(times):>9.2f} {max(times):>10.2f} "
            f"{edits:>9} {review:>7}"
        )
    for name, bomb in (("bomb.docx", zip_bomb), ("bomb.pdf", pdf_bomb)):
        content = bomb(201 * MB)
        seconds, status = post(name, content, "bench-bomb")
        print(f"{name}: {len(content) / 1024:.0f} KB unpacking to 201 MB, refused ({status}) in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
