#!/usr/bin/python3
"""Writes the third-party import fixtures of #19 once; the tests read the committed .xlsx files and need neither
Python nor LibreOffice. Run with Debian's python3-openpyxl and libreoffice-calc-nogui installed:

    python3 tests/Api.Tests/Cli/Fixtures/make_import_fixtures.py

openpyxl-*.xlsx are written by openpyxl (which does not calculate: formulas are saved without a value);
libreoffice-*.xlsx are the same workbooks opened and saved by LibreOffice Calc (formulas calculated and cached).
Members are those of the tests' roster (LedgerFiles.Members(1, 40)): m001..m040, 党员001..党员040, branch b01."""
import datetime, os, shutil, subprocess, tempfile
from openpyxl import Workbook

HERE = os.path.dirname(os.path.abspath(__file__))


def member(n):
    return f"m{n:03d}", f"党员{n:03d}"


def grid_labelled():
    """A secretary's grid: a title merged across, labels 日期/类型/说明 in column B, members from row 6."""
    wb = Workbook()
    ws = wb.active
    ws.title = "出勤"
    ws["A1"] = "第一党支部 2025 年会议出勤登记表"
    ws.merge_cells("A1:G1")
    ws["B2"], ws["B3"], ws["B4"] = "日期", "类型", "说明"
    ws["C2"] = datetime.date(2025, 3, 14)                  # an Excel date
    ws["D2"] = "２０２５－０４－１０"                          # full-width digits typed as text
    ws["E2"] = "=DATE(2025,5,20)"                           # a formula (no cached value from openpyxl)
    ws["F2"] = "2025/6/12"
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = "党员大会", "支委会", "党课", "主题党日"
    ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "学习二十届三中全会精神", "研究发展党员工作", "五月党课", "六月主题党日"
    ws["A5"], ws["B5"], ws["G5"] = "党员编号", "姓名", "备注"
    marks = {
        "C": ["出席", "√", "○", "×", "迟到", "病假"],
        "D": ["✓", "假", "", "", "", ""],
        "E": ["出席", "出席", "事假", "✗", "", ""],
        "F": ["√", "√", "出差", "√", "", "√"],               # 出差 is no status: column F is refused whole
    }
    for i in range(6):
        row = 6 + i
        mid, name = member(i + 1)
        ws[f"A{row}"] = "ｍ００６" if i == 5 else mid        # a full-width member id
        ws[f"B{row}"] = name
        for col, values in marks.items():
            if values[i]:
                ws[f"{col}{row}"] = values[i]
    ws["G8"] = "外出学习"
    return wb


def grid_two_row_headers():
    """Member headers merged down over two header rows; row 1 the dates, row 2 the kind and topic in one cell."""
    wb = Workbook()
    ws = wb.active
    ws.title = "会议签到"
    ws["A1"], ws["B1"] = "党员编号", "姓名"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws["C1"], ws["D1"] = datetime.date(2025, 7, 1), datetime.date(2025, 7, 15)
    ws["C2"], ws["D2"] = "主题党日：庆祝建党104周年", "党员大会：半年工作总结"
    for i, (c, d) in enumerate([("√", "√"), ("√", "○"), ("×", "√"), ("迟", "")]):
        mid, name = member(i + 7)
        ws[f"A{3 + i}"], ws[f"B{3 + i}"] = mid, name
        if c: ws[f"C{3 + i}"] = c
        if d: ws[f"D{3 + i}"] = d
    return wb


FACT_HEADERS = ["日期", "党员编号", "姓名", "支部", "党小组", "类型", "出勤", "形式", "等级", "数量/时长", "说明", "审核人", "评定日期", "实施日期"]


def rows_merged():
    """The row layout as paper-style 台账: 日期/类型/说明 merged down a meeting's rows, full-width digits, formulas."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(FACT_HEADERS)
    for i in range(5):                                       # rows 2-6: one 党员大会 of five members
        mid, name = member(i + 11)
        ws.append([None, mid, name, None, None, None, ["出席", "请假", "出席", "缺席", "迟到"][i], None, None, None, None, None, None, None])
    ws["A2"], ws["F2"], ws["K2"] = "2025-08-08", "党员大会", "学习党纪处分条例"
    for col in "AFK":
        ws.merge_cells(f"{col}2:{col}6")
    # row 7: volunteer hours typed full-width; row 8: hours as a formula; row 9: a date as a formula
    ws.append(["２０２５年８月９日", "m016", "党员016", None, None, "志愿服务", None, None, None, "２．５", "社区义诊", None, None, None])
    ws.append(["2025-08-10", "m017", "党员017", None, None, "志愿服务", None, None, None, "=1+2", "文明交通劝导", None, None, None])
    ws.append(["=DATE(2025,8,11)", "m018", "党员018", None, None, "志愿服务", None, None, None, "4", "敬老院陪护", None, None, None])
    return wb


def forty_person_meeting():
    """#19 problem 3: a 40-person meeting with one bad meeting-kind row (row 29: 党员会)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(FACT_HEADERS)
    for i in range(40):
        mid, name = member(i + 1)
        kind = "党员会" if i == 27 else "党员大会"
        status = "请假" if i % 9 == 4 else "缺席" if i % 13 == 7 else "出席"
        ws.append(["2025-09-12", mid, name, "b01", None, kind, status, "现场", None, None, "学习贯彻全会精神", None, None, None])
    return wb


def libreoffice_saved(source, target):
    """Opens the openpyxl file in LibreOffice Calc and saves it as .xlsx (calculating its formulas)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(source, os.path.join(tmp, "in.xlsx"))
        out = os.path.join(tmp, "out")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--calc",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, os.path.join(tmp, "in.xlsx")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        shutil.copy(os.path.join(out, "in.xlsx"), target)


if __name__ == "__main__":
    for name, make in [("grid", grid_labelled), ("grid-two-row-headers", grid_two_row_headers), ("rows-merged", rows_merged)]:
        path = os.path.join(HERE, f"openpyxl-{name}.xlsx")
        make().save(path)
        libreoffice_saved(path, os.path.join(HERE, f"libreoffice-{name}.xlsx"))
    forty_person_meeting().save(os.path.join(HERE, "forty-person-meeting-one-bad-kind.xlsx"))
    print("\n".join(sorted(f for f in os.listdir(HERE) if f.endswith(".xlsx"))))
