using System.Globalization;

namespace PointsEngine.Api.Spreadsheets;

/// A table as read from a file: every non-empty row with its number in the file (1-based, as a person
/// sees it in Excel or a text editor), the header row included. Cells are text, trimmed; dates typed as
/// Excel dates come as yyyy-MM-dd, numbers in invariant notation.
public sealed record SheetTable(string? SheetName, IReadOnlyList<SheetRow> Rows);

public sealed record SheetRow(int Number, IReadOnlyList<string> Cells)
{
    private static readonly IReadOnlySet<int> NoColumns = new HashSet<int>();
    private static readonly IReadOnlyDictionary<int, string> NoRanges = new Dictionary<int, string>();

    public string this[int column] => column >= 0 && column < Cells.Count ? Cells[column] : "";

    /// Columns holding a formula saved without its computed value (read as empty): Excel computes on saving,
    /// other writers (openpyxl, scripts) may not.
    public IReadOnlySet<int> UncomputedFormulas { get; init; } = NoColumns;

    /// Columns whose text comes from a range of merged cells (filled down from its top-left cell), with the
    /// range as Excel names it (C2:C6).
    public IReadOnlyDictionary<int, string> MergedFrom { get; init; } = NoRanges;

    /// Columns inside a merged range that cannot be read (its top-left cell empty while another cell of the
    /// range holds text, or a cell under the merge holding other text), with the range.
    public IReadOnlyDictionary<int, string> UnreadableMerges { get; init; } = NoRanges;

    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);
}

/// A table to write. Cells are string, decimal, int, long, DateOnly, DateTimeOffset, bool or null; numbers
/// stay numbers in a workbook, dates are written as yyyy-MM-dd text (they read back exactly as written).
public sealed record OutputSheet(string Name, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows)
{
    /// Drop-down lists (a workbook's data validation) by column index, for every row below the header; a
    /// value not in the list is warned about, not refused. CSV files carry none.
    public IReadOnlyDictionary<int, IReadOnlyList<string>> Choices { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// A sheet laid out to be printed (#21): title rows above the header, fixed widths, page setup. CSV files ignore it.
    public PrintLayout? Print { get; init; }

    /// Hidden by default (a workbook's auditors' sheet, #21); CSV files ignore it.
    public bool Hidden { get; init; }
}

/// How a workbook sheet prints (#21): <paramref name="Titles"/> are rows above the header (the first one large and
/// bold); the header row repeats on every printed page; the print area is the whole table; the width fits one page
/// (A4, <paramref name="Landscape"/> or portrait); <paramref name="Widths"/> are the columns' widths in characters;
/// <paramref name="Wrapped"/> columns wrap their text.
public sealed record PrintLayout(IReadOnlyList<string> Titles, IReadOnlyList<double> Widths, IReadOnlySet<int> Wrapped, bool Landscape);

public enum SpreadsheetFormat { Xlsx, Csv }

/// Reads and writes .xlsx workbooks and .csv files behind one shape.
public static class Spreadsheet
{
    public static SpreadsheetFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".xlsx" => SpreadsheetFormat.Xlsx,
        ".csv" => SpreadsheetFormat.Csv,
        var other => throw new Commands.UsageException(
            $"不支持的文件类型“{other}”（{path}），请使用 .xlsx 或 .csv。", $"Unsupported file type '{other}' ({path}); use .xlsx or .csv."),
    };

    /// Reads within <paramref name="limits"/> (the defaults when none): a file beyond them is refused whole.
    public static IReadOnlyList<SheetTable> Read(string path, SpreadsheetLimits? limits = null) => FormatOf(path) switch
    {
        SpreadsheetFormat.Xlsx => XlsxFile.Read(path, limits),
        _ => [CsvFile.Read(path, limits)],
    };

    /// A workbook holds every sheet; a CSV file holds one table.
    public static void Write(string path, IReadOnlyList<OutputSheet> sheets)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        switch (FormatOf(path))
        {
            case SpreadsheetFormat.Xlsx: XlsxFile.Write(path, sheets); break;
            default:
                if (sheets.Count != 1) throw new ArgumentException("A CSV file holds exactly one table.", nameof(sheets));
                CsvFile.Write(path, sheets[0]);
                break;
        }
    }

    /// A cell as text: what a CSV file holds and what a workbook shows.
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        decimal d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "是" : "否",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
