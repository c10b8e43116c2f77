using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace PointsEngine.Api.Spreadsheets;

/// CSV through CsvHelper. Written as UTF-8 with a byte-order mark, which Excel needs to show Chinese;
/// read as UTF-8 (with or without the mark) or, failing that, GB18030 — what Excel's "CSV" save writes on
/// a Chinese Windows.
public static class CsvFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static CsvFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static SheetTable Read(string path, SpreadsheetLimits? limits = null)
    {
        limits ??= SpreadsheetLimits.Default;
        var name = Path.GetFileName(path);
        if (new FileInfo(path).Length is var length && length > limits.MaxFileBytes)
            throw SpreadsheetRefusal.FileTooLarge(name, length, limits);
        var bytes = File.ReadAllBytes(path);
        var text = Decode(bytes);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            DetectDelimiter = true,
            MissingFieldFound = null,
            MaxFieldSize = SpreadsheetLimits.MaxCellChars,
        };
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, config);
        var rows = new List<SheetRow>();
        try
        {
            while (csv.Read())
            {
                var record = csv.Parser.Record ?? [];
                var row = new SheetRow(csv.Parser.Row, [.. record.Select(c => c.Trim())]);
                if (row.IsBlank) continue;
                if (rows.Count == limits.MaxRows)
                    throw SpreadsheetRefusal.TooManyRows(name, $"第 {row.Number} 行：", $"row {row.Number}: ", limits);
                rows.Add(row);
            }
        }
        catch (CsvHelperException e)
        {
            throw new Commands.UsageException($"CSV 文件 {path} 第 {e.Context?.Parser?.Row} 行格式错误：{e.Message}",
                $"The CSV file {path} is malformed at row {e.Context?.Parser?.Row}: {e.Message}");
        }
        return new SheetTable(null, rows);
    }

    private static string Decode(byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith<byte>([0xEF, 0xBB, 0xBF])) return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        if (bytes.AsSpan().StartsWith<byte>([0xFF, 0xFE])) return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        if (bytes.AsSpan().StartsWith<byte>([0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    public static void Write(string path, OutputSheet sheet)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture));
        foreach (var header in sheet.Headers) csv.WriteField(CsvFormulaGuard.Escape(header));
        csv.NextRecord();
        foreach (var row in sheet.Rows)
        {
            // Numbers stay numbers; any text passes the formula guard the API's CSV uses (#16 finding 2.7).
            foreach (var cell in row)
                csv.WriteField(cell is decimal or int or long or double ? Spreadsheet.Text(cell) : CsvFormulaGuard.Escape(Spreadsheet.Text(cell)));
            csv.NextRecord();
        }
    }
}
