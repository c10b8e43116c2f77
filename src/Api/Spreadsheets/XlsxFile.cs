using System.Globalization;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace PointsEngine.Api.Spreadsheets;

/// .xlsx workbooks through the Open XML SDK (ClosedXML's own foundation; ClosedXML itself cannot be
/// restored from the registry here). Written with a bold, frozen header row and columns sized to their text;
/// strings as inline strings, so identifiers such as "001" stay text.
public static partial class XlsxFile
{
    private const uint BoldStyle = 1;

    public static IReadOnlyList<SheetTable> Read(string path)
    {
        try
        {
            using var document = SpreadsheetDocument.Open(path, isEditable: false);
            var workbook = document.WorkbookPart ?? throw new InvalidDataException("The file has no workbook part.");
            var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToArray() ?? [];
            var dateStyles = DateStyles(workbook.WorkbookStylesPart?.Stylesheet);
            var tables = new List<SheetTable>();
            foreach (var sheet in workbook.Workbook.Sheets?.Elements<Sheet>() ?? [])
            {
                if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part) continue;
                var rows = new List<SheetRow>();
                foreach (var row in part.Worksheet.Descendants<Row>())
                {
                    var cells = new List<string>();
                    var next = 0;
                    foreach (var cell in row.Elements<Cell>())
                    {
                        var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : next;
                        while (cells.Count < column) cells.Add("");
                        cells.Add(TextOf(cell, shared, dateStyles).Trim());
                        next = column + 1;
                    }
                    var sheetRow = new SheetRow((int)(row.RowIndex?.Value ?? (uint)(rows.Count + 1)), cells);
                    if (!sheetRow.IsBlank) rows.Add(sheetRow);
                }
                tables.Add(new SheetTable(sheet.Name?.Value ?? "", rows));
            }
            return tables;
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or System.Xml.XmlException)
        {
            throw new Commands.UsageException($"无法读取 Excel 文件 {path}：{e.Message}", $"Cannot read the workbook {path}: {e.Message}");
        }
    }

    private static string TextOf(Cell cell, string[] shared, HashSet<uint> dateStyles)
    {
        var raw = cell.CellValue?.Text;
        if (cell.DataType?.Value == CellValues.SharedString)
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < shared.Length ? shared[i] : "";
        if (cell.DataType?.Value == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.Boolean) return raw == "1" ? "TRUE" : "FALSE";
        if (cell.DataType?.Value is { } type && type != CellValues.Number) return raw ?? "";
        if (raw is null || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return raw ?? "";
        if (cell.StyleIndex?.Value is { } style && dateStyles.Contains(style) && number is >= 1 and < 2958466)
            return DateTime.FromOADate(number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Doubles as a person typed them: 2.5 not 2.4999999999999996.
        return ((decimal)number).ToString(CultureInfo.InvariantCulture);
    }

    /// The cell formats (by index) that show a date: built-in date formats and custom codes with y or d.
    private static HashSet<uint> DateStyles(Stylesheet? stylesheet)
    {
        var result = new HashSet<uint>();
        if (stylesheet?.CellFormats is null) return result;
        var custom = stylesheet.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        uint index = 0;
        foreach (var format in stylesheet.CellFormats.Elements<CellFormat>())
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if (id is >= 14 and <= 17 or 22 or >= 27 and <= 36 or >= 50 and <= 58
                || (custom.TryGetValue(id, out var code) && IsDateCode(code)))
                result.Add(index);
            index++;
        }
        return result;
    }

    private static bool IsDateCode(string code)
    {
        var bare = QuotedOrBracketed().Replace(code, "");
        return bare.Contains('y', StringComparison.OrdinalIgnoreCase) || bare.Contains('d', StringComparison.OrdinalIgnoreCase)
            || bare.Contains('年', StringComparison.Ordinal) || bare.Contains('日', StringComparison.Ordinal);
    }

    [GeneratedRegex("\"[^\"]*\"|\\[[^\\]]*\\]|\\\\.")]
    private static partial Regex QuotedOrBracketed();

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c)) break;
            index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return index - 1;
    }

    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    public static void Write(string path, IReadOnlyList<OutputSheet> sheets)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellStyleFormats(new CellFormat()) { Count = 1 },
            new CellFormats(new CellFormat(), new CellFormat { FontId = 1, ApplyFont = true }) { Count = 2 });
        var list = workbook.Workbook.AppendChild(new Sheets());
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        uint sheetId = 1;
        foreach (var sheet in sheets)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            part.Worksheet = BuildWorksheet(sheet);
            list.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = UniqueName(sheet.Name, names) });
        }
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
                row.Append(value switch
                {
                    decimal d => NumberCell(c, r, new CellValue(d)),
                    int i => NumberCell(c, r, new CellValue(i)),
                    long l => NumberCell(c, r, new CellValue((decimal)l)),
                    double x => NumberCell(c, r, new CellValue(x)),
                    _ => TextCell(c, r, Spreadsheet.Text(value), null),
                });
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
        return widths.Length == 0 ? new Worksheet(frozen, data) : new Worksheet(frozen, columns, data);
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
