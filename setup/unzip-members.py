"""Extracts members of a zip (a wheel) matching shell-style patterns into a folder.

Used instead of `unzip`, which a fresh machine may lack: Python is already needed for pip.
Usage: python3 setup/unzip-members.py WHEEL DEST PATTERN [PATTERN ...]
"""
import fnmatch
import sys
import zipfile

wheel, dest, patterns = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as archive:
    members = [m for m in archive.namelist() if any(fnmatch.fnmatch(m, p) for p in patterns)]
    if not members:
        sys.exit(f"unzip-members: nothing in {wheel} matches {patterns}")
    for member in members:
        archive.extract(member, dest)
