using System.Globalization;

namespace PointsEngine.Api.Spreadsheets;

/// How much of a file an import reads before it refuses the file (#16 finding 2.2: a 1.5 KB workbook with
/// one cell at column ZZZZZZ grew the process to 6 GB). Excel's own limits are fixed; the others are
/// configuration (`Import:MaxRows` in appsettings.json or `Import__MaxRows` in the environment) and are sized
/// for a large branch's year with a wide margin: the ledger has about 72 rows per member and year, so a
/// branch of 300 members is some 22,000 rows and the default of 200,000 rows takes a whole committee's year.
/// Together they bound what a read keeps in memory (rows × cells × text) and the work it does on the zip.
public sealed record SpreadsheetLimits
{
    /// Excel's last column, XFD.
    public const int MaxColumns = 16_384;

    /// Excel's last row.
    public const int MaxRowNumber = 1_048_576;

    /// Excel's most characters in one cell.
    public const int MaxCellChars = 32_767;

    /// Non-empty rows in one file, all sheets together.
    public int MaxRows { get; init; } = 200_000;

    /// Cells kept in one file (rows × columns up to each row's last cell).
    public long MaxCells { get; init; } = 4_000_000;

    /// Characters of text kept in one file, the shared strings included.
    public long MaxTextChars { get; init; } = 64L << 20;

    /// The file on disk.
    public long MaxFileBytes { get; init; } = 64L << 20;

    /// One part of the workbook (one entry of the zip), uncompressed.
    public long MaxPartBytes { get; init; } = 256L << 20;

    /// All parts together, uncompressed.
    public long MaxTotalBytes { get; init; } = 512L << 20;

    /// Uncompressed ÷ compressed size of one part larger than 1 MiB: real sheets compress 5–30 times, a zip
    /// bomb thousands of times.
    public int MaxCompressionRatio { get; init; } = 200;

    /// Entries in the zip: a workbook has a dozen, one per sheet more.
    public int MaxParts { get; init; } = 10_000;

    public const string Section = "Import";

    public static readonly SpreadsheetLimits Default = new();

    /// The limits of `serve` and the commands: configuration section Import, else the defaults.
    public static SpreadsheetLimits From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<SpreadsheetLimits>() ?? Default;

    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// A file refused because it goes beyond one of <see cref="SpreadsheetLimits"/>: names the limit and where.
public static class SpreadsheetRefusal
{
    public static Commands.UsageException Limit(string path, string whereZh, string whereEn, string limitZh, string limitEn) =>
        new($"文件 {path} 超出导入限制：{whereZh}{limitZh}。未写入任何内容。",
            $"The file {path} exceeds an import limit: {whereEn}{limitEn}. Nothing was written.");

    public static Commands.UsageException FileTooLarge(string path, long length, SpreadsheetLimits limits) => Limit(path, "", "",
        $"文件大小 {SpreadsheetLimits.N(length)} 字节，超过上限 {SpreadsheetLimits.N(limits.MaxFileBytes)} 字节（Import:MaxFileBytes）",
        $"the file is {SpreadsheetLimits.N(length)} bytes, more than the limit of {SpreadsheetLimits.N(limits.MaxFileBytes)} bytes (Import:MaxFileBytes)");

    public static Commands.UsageException TooManyRows(string path, string whereZh, string whereEn, SpreadsheetLimits limits) => Limit(path, whereZh, whereEn,
        $"文件中的非空行超过 {SpreadsheetLimits.N(limits.MaxRows)} 行（Import:MaxRows）",
        $"the file holds more than {SpreadsheetLimits.N(limits.MaxRows)} non-empty rows (Import:MaxRows)");

    public static Commands.UsageException Invalid(string path, string reasonZh, string reasonEn) =>
        new($"无法读取 Excel 文件 {path}：{reasonZh}。未写入任何内容。", $"Cannot read the workbook {path}: {reasonEn}. Nothing was written.");
}
