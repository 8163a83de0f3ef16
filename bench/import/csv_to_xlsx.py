#!/usr/bin/env python3
"""csv_to_xlsx.py IN.csv OUT.xlsx: the same rows as an Excel workbook, written
by openpyxl (write-only mode, shared strings as Excel writes them); cells of
digits only become numbers, as Excel makes of a phone typed into a cell, and
the quote a CSV puts before a cell that begins with = + - @ (which callbase's
CSV import takes off) is left out: a workbook holds such a cell as text."""
import csv
import sys

from openpyxl import Workbook

book = Workbook(write_only=True)
sheet = book.create_sheet("Контакты")
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for i, row in enumerate(csv.reader(f, delimiter=";")):
        row = [c[1:] if c[:1] == "'" and c[1:2] in ("=", "+", "-", "@", "\t", "\r") else c
               for c in row]
        if i > 0:
            row = [int(c) if c.isdigit() and len(c) < 16 else c for c in row]
        sheet.append(row)
book.save(sys.argv[2])
