using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Spreadsheets;

namespace PointsEngine.Api.Reading;

/// One table as a CSV download (RFC 4180): UTF-8 with a byte-order mark so Excel opens the Chinese
/// correctly, Chinese column headers, CRLF line ends, fields quoted when they hold a comma, quote or line
/// break. Text that Excel would take for a formula (=, +, -, @ first) is prefixed with an apostrophe by the
/// one guard the CLI's CSV files use too (CsvFormulaGuard); numbers are written as numbers.
public sealed class CsvTable(string fileName, IReadOnlyList<string> headers)
{
    public const string MediaType = "text/csv";

    private readonly List<IReadOnlyList<object?>> _rows = [];

    public IReadOnlyList<string> Headers => headers;

    public CsvTable Add(params object?[] cells)
    {
        if (cells.Length != headers.Count)
            throw new ArgumentException($"A row of {fileName} has {cells.Length} cells for {headers.Count} columns.", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    public CsvTable AddRange<T>(IEnumerable<T> items, Func<T, object?[]> row)
    {
        foreach (var item in items) Add(row(item));
        return this;
    }

    public byte[] ToBytes()
    {
        var text = new StringBuilder();
        text.AppendJoin(',', headers.Select(h => Field(h))).Append("\r\n");
        foreach (var row in _rows) text.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public FileContentHttpResult ToResult() => TypedResults.File(ToBytes(), $"{MediaType}; charset=utf-8", fileName);

    private static string Cell(object? value) => value switch
    {
        null => "",
        string s => Field(s),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        bool b => b ? "是" : "否",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Field(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static string Field(string text)
    {
        text = CsvFormulaGuard.Escape(text);
        return text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
