using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace PointsEngine.Api.Spreadsheets;

/// .xlsx workbooks through the Open XML SDK (ClosedXML's own foundation; ClosedXML itself cannot be
/// restored from the registry here). Written with a bold, frozen header row and columns sized to their text;
/// strings as inline strings, so identifiers such as "001" stay text. Reading: XlsxFile.Reading.cs.
public static partial class XlsxFile
{
    private const uint BoldStyle = 1;
    private const uint WrappedStyle = 2;
    private const uint TitleStyle = 3;
    private const uint HeaderStyle = 4;

    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    public static void Write(string path, IReadOnlyList<OutputSheet> sheets)
    {
        using var file = File.Create(path);
        Write(file, sheets);
    }

    public static void Write(Stream stream, IReadOnlyList<OutputSheet> sheets)
    {
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook)) Fill(document, sheets);
    }

    private static void Fill(SpreadsheetDocument document, IReadOnlyList<OutputSheet> sheets)
    {
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font(), new Font(new Bold()), new Font(new Bold(), new FontSize { Val = 16 })) { Count = 3 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellStyleFormats(new CellFormat()) { Count = 1 },
            new CellFormats(
                new CellFormat(),
                new CellFormat { FontId = 1, ApplyFont = true },
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { ApplyAlignment = true },
                new CellFormat { FontId = 2, ApplyFont = true },
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center }) { FontId = 1, ApplyFont = true, ApplyAlignment = true }) { Count = 5 });
        var list = workbook.Workbook.AppendChild(new Sheets());
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var printNames = new DefinedNames();
        uint sheetId = 1;
        foreach (var sheet in sheets)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            part.Worksheet = sheet.Print is { } print ? BuildPrintable(sheet, print) : BuildWorksheet(sheet);
            var name = UniqueName(sheet.Name, names);
            var entry = new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = name };
            if (sheet.Hidden) entry.State = SheetStateValues.Hidden;
            list.Append(entry);
            if (sheet.Print is { } layout) AddPrintNames(printNames, (uint)list.ChildElements.Count - 1, name, sheet, layout);
        }
        if (printNames.HasChildren) workbook.Workbook.Append(printNames);
        workbook.Workbook.Save();
    }

    /// Excel's rules: at most 31 characters, none of []:*?/\, unique ignoring case.
    public static string UniqueName(string wanted, ISet<string> taken)
    {
        var clean = new string([.. wanted.Select(c => "[]:*?/\\".Contains(c) ? '_' : c)]).Trim('\'');
        if (clean.Length == 0) clean = "Sheet";
        if (clean.Length > 31) clean = clean[..31];
        var name = clean;
        for (var n = 2; !taken.Add(name); n++)
        {
            var suffix = $" ({n})";
            name = (clean.Length + suffix.Length > 31 ? clean[..(31 - suffix.Length)] : clean) + suffix;
        }
        return name;
    }

    private static Worksheet BuildWorksheet(OutputSheet sheet)
    {
        var widths = sheet.Headers.Select(Width).ToArray();
        var data = new SheetData();
        var header = new Row { RowIndex = 1 };
        for (var c = 0; c < sheet.Headers.Count; c++) header.Append(TextCell(c, 1, sheet.Headers[c], BoldStyle));
        data.Append(header);
        uint r = 2;
        foreach (var values in sheet.Rows)
        {
            var row = new Row { RowIndex = r };
            for (var c = 0; c < values.Count; c++)
            {
                var value = values[c];
                if (value is null) continue;
                row.Append(Cell(c, r, value));
                if (c < widths.Length) widths[c] = Math.Max(widths[c], Width(Spreadsheet.Text(value)));
            }
            data.Append(row);
            r++;
        }
        var columns = new Columns();
        for (var c = 0; c < widths.Length; c++)
            columns.Append(new Column { Min = (uint)c + 1, Max = (uint)c + 1, Width = Math.Min(widths[c] + 2, 60), CustomWidth = true });
        var frozen = new SheetViews(new SheetView(new Pane
        {
            VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen,
        }) { WorkbookViewId = 0 });
        var worksheet = widths.Length == 0 ? new Worksheet(frozen, data) : new Worksheet(frozen, columns, data);
        if (sheet.Choices.Count > 0) worksheet.Append(DropDowns(sheet.Choices));
        return worksheet;
    }

    /// #21: a sheet laid out for paper — title rows, the header in bold (repeated on each page through the print
    /// titles), fixed widths, wrapped text where asked, A4 fitted to one page wide.
    private static Worksheet BuildPrintable(OutputSheet sheet, PrintLayout print)
    {
        var data = new SheetData();
        uint r = 1;
        foreach (var title in print.Titles)
        {
            data.Append(new Row(TextCell(0, r, title, r == 1 ? TitleStyle : null)) { RowIndex = r });
            r++;
        }
        var header = new Row { RowIndex = r };
        for (var c = 0; c < sheet.Headers.Count; c++) header.Append(TextCell(c, r, sheet.Headers[c], HeaderStyle));
        data.Append(header);
        var headerRow = r++;
        foreach (var values in sheet.Rows)
        {
            var row = new Row { RowIndex = r };
            for (var c = 0; c < values.Count; c++)
            {
                if (values[c] is not { } value) continue;
                var cell = Cell(c, r, value);
                if (print.Wrapped.Contains(c)) cell.StyleIndex = WrappedStyle;
                row.Append(cell);
            }
            data.Append(row);
            r++;
        }
        var columns = new Columns();
        for (var c = 0; c < print.Widths.Count; c++)
            columns.Append(new Column { Min = (uint)c + 1, Max = (uint)c + 1, Width = print.Widths[c], CustomWidth = true });
        var frozen = new SheetViews(new SheetView(new Pane
        {
            VerticalSplit = headerRow, TopLeftCell = $"A{headerRow + 1}", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen,
        }) { WorkbookViewId = 0 });
        return new Worksheet(
            new SheetProperties(new PageSetupProperties { FitToPage = true }),
            frozen, columns, data,
            new PageMargins { Left = 0.4, Right = 0.4, Top = 0.5, Bottom = 0.5, Header = 0.3, Footer = 0.3 },
            new PageSetup
            {
                PaperSize = 9, // A4
                Orientation = print.Landscape ? OrientationValues.Landscape : OrientationValues.Portrait,
                FitToWidth = 1,
                FitToHeight = 0, // as many pages tall as it takes
            });
    }

    private static void AddPrintNames(DefinedNames names, uint sheetIndex, string sheetName, OutputSheet sheet, PrintLayout print)
    {
        var quoted = $"'{sheetName.Replace("'", "''", StringComparison.Ordinal)}'";
        var headerRow = print.Titles.Count + 1;
        var lastRow = headerRow + sheet.Rows.Count;
        var lastColumn = ColumnName(Math.Max(sheet.Headers.Count, 1) - 1);
        names.Append(new DefinedName($"{quoted}!$A$1:${lastColumn}${lastRow}") { Name = "_xlnm.Print_Area", LocalSheetId = sheetIndex });
        names.Append(new DefinedName($"{quoted}!${headerRow}:${headerRow}") { Name = "_xlnm.Print_Titles", LocalSheetId = sheetIndex });
    }

    private static Cell Cell(int column, uint row, object value) => value switch
    {
        decimal d => NumberCell(column, row, new CellValue(d)),
        int i => NumberCell(column, row, new CellValue(i)),
        long l => NumberCell(column, row, new CellValue((decimal)l)),
        double x => NumberCell(column, row, new CellValue(x)),
        _ => TextCell(column, row, Spreadsheet.Text(value), null),
    };

    /// #19: the template's drop-down lists (kinds, statuses, levels), from row 2 to the last row.
    private static DataValidations DropDowns(IReadOnlyDictionary<int, IReadOnlyList<string>> choices)
    {
        var validations = new DataValidations();
        foreach (var (column, values) in choices.OrderBy(c => c.Key))
        {
            var letter = ColumnName(column);
            validations.Append(new DataValidation(new Formula1($"\"{string.Join(",", values)}\""))
            {
                Type = DataValidationValues.List,
                AllowBlank = true,
                ShowErrorMessage = true,
                ErrorStyle = DataValidationErrorStyleValues.Warning,
                ErrorTitle = "不在列表中 / not in the list",
                Error = "该值不在下拉列表中；英文名称等其他写法也可导入。 / This value is not in the list; other accepted spellings (English names) import too.",
                SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{letter}2:{letter}{SpreadsheetLimits.MaxRowNumber}" },
            });
        }
        validations.Count = (uint)validations.ChildElements.Count;
        return validations;
    }

    // Chinese characters take about two columns of width.
    private static double Width(string text) => text.Sum(c => c > 0x2E80 ? 2.0 : 1.0);

    private static Cell TextCell(int column, uint row, string text, uint? style)
    {
        var cell = new Cell
        {
            CellReference = ColumnName(column) + row.ToString(CultureInfo.InvariantCulture),
            DataType = CellValues.InlineString,
            InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }),
        };
        if (style is { } s) cell.StyleIndex = s;
        return cell;
    }

    private static Cell NumberCell(int column, uint row, CellValue value) => new()
    {
        CellReference = ColumnName(column) + row.ToString(CultureInfo.InvariantCulture),
        DataType = CellValues.Number,
        CellValue = value,
    };
}
