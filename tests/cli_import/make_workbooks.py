#!/usr/bin/env python3
"""Writes the workbooks the Excel import test reads, with openpyxl (another
program than callbase): typed cells as a call center's files hold them.

make_workbooks.py DIR writes DIR/openpyxl.xlsx (sheets Клиенты and Архив) and
DIR/openpyxl1904.xlsx (the 1904 date system). LibreOffice then re-saves the
first as .xlsx and .xls (excel_test.sh), so its writer is tested too.
"""
import datetime
import sys

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

out = sys.argv[1]

wb = Workbook()
ws = wb.active
ws.title = "Клиенты"
ws.append(["ФИО", "Телефон", "Доп. телефон", "Дата рождения", "Дата добавления", "Сумма",
           "Согласие", "Город"])
# Row 2: the phone stored as a number without its leading 8 (Excel drops it),
# a second phone as a number with the 7, real dates, a float, a boolean.
ws.append(["Иванов Иван", 9161234567, 79031112233, datetime.date(1985, 3, 31),
           datetime.datetime(2025, 1, 2, 10, 30), 1500.5, True, "Москва"])
# Row 3: the phone as text, a formula, an impossible date written as text.
ws.append(["Петрова Анна", "8 (926) 000-11-22", None, "31.02.2000", None, "=2+3", False,
           "Тула"])
# Row 4: a phone number in scientific notation as a number (the digits are
# all there) and, in the second phone, as text (the digits are lost).
ws.append(["Сидоров", 7.9161234568e10, "7.916E+10", None, None, None, None, "Казань"])
# Row 5: empty cells between cells, a cell past the header, a date that is no date.
ws["A5"] = "Козлов"
ws["B5"] = "+7 903 555-66-77"
ws["E5"] = "1990-13-45"
ws["J5"] = "лишнее"
# Row 6 is left empty; row 7: no phone at all.
ws["A7"] = "Без телефона"
ws["H7"] = "Омск"
for cell in ws["D"][1:] + ws["E"][1:]:
    cell.number_format = "DD.MM.YYYY"
ws["E2"].number_format = "DD.MM.YYYY HH:MM"

archive = wb.create_sheet("Архив")
archive.append(["Телефон", "ФИО"])
archive.append(["89265554433", "Архивный Аркадий"])
wb.save(f"{out}/openpyxl.xlsx")

mac = Workbook()
mac.epoch = CALENDAR_MAC_1904
ws = mac.active
ws.append(["ФИО", "Телефон", "Дата добавления"])
ws.append(["Макинтош", 89167770011, datetime.date(2024, 2, 29)])
ws["C2"].number_format = "YYYY-MM-DD"
mac.save(f"{out}/openpyxl1904.xlsx")
