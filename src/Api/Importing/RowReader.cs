using System.Globalization;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Importing;

/// Reads one row's cells into domain values, collecting every problem by column (a secretary fixing a
/// file wants all of a row's mistakes at once).
public sealed class RowReader(LedgerRow row)
{
    private static readonly string[] DateFormats =
        ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日", "yyyyMMdd", "yyyy-M-d H:mm:ss", "yyyy/M/d H:mm:ss", "yyyy-M-d H:mm", "yyyy/M/d H:mm"];

    public LedgerRow Row => row;
    public List<ImportProblem> Problems { get; } = [];
    public bool Any => Problems.Count > 0;

    public void Problem(LedgerColumn? column, string code, string zh, string en) =>
        Problems.Add(new ImportProblem(row.Source.File, row.Source.Sheet, row.Number, column?.Header, code, zh, en));

    public string? Raw(LedgerColumn column) => row[column] is { Length: > 0 } v ? v : null;

    private void Missing(LedgerColumn column) =>
        Problem(column, "required", $"“{column.Header}”不能为空", $"'{column.Header}' must not be empty");

    public T? Id<T>(LedgerColumn column, bool required = true) where T : struct, IStringValue<T>
    {
        if (Raw(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        try
        {
            return T.Parse(text);
        }
        catch (ArgumentException)
        {
            Problem(column, "invalid-id", $"“{Short(text)}”不是有效的编号（1–128 个字符，不含空格）", $"'{Short(text)}' is not a valid id (1–128 characters without spaces)");
            return null;
        }
    }

    public string? Text(LedgerColumn column, bool required = true, int max = 200)
    {
        if (Raw(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (text.Length > max)
            Problem(column, "too-long", $"最多 {max} 个字符（现有 {text.Length} 个）", $"at most {max} characters ({text.Length} given)");
        else if (!FieldErrors.IsStorable(text))
            Problem(column, "invalid-text", "含有控制字符或无效字符", "contains control characters or invalid Unicode");
        else return text;
        return null;
    }

    public DateOnly? Date(LedgerColumn column, bool required = true)
    {
        if (Raw(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (ParseDate(text) is { } date) return date;
        Problem(column, "invalid-date", $"“{Short(text)}”不是有效日期（格式 yyyy-MM-dd，年份 1900–9999）", $"'{Short(text)}' is not a valid date (yyyy-MM-dd, year 1900–9999)");
        return null;
    }

    public static DateOnly? ParseDate(string text)
    {
        DateOnly? date = null;
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed))
            date = DateOnly.FromDateTime(parsed);
        // A date cell a CSV export left as Excel's serial number.
        else if (text.Length == 5 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial is >= 1 and < 2958466)
            date = DateOnly.FromDateTime(DateTime.FromOADate(serial));
        return date is { Year: >= 1900 and <= 9999 } ? date : null;
    }

    public TEnum? Enum<TEnum>(LedgerColumn column, bool required = true, IReadOnlyDictionary<string, TEnum>? aliases = null) where TEnum : struct, System.Enum
    {
        if (Raw(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (ChineseNames.TryParse<TEnum>(text, out var value)) return value;
        if (aliases is not null && aliases.TryGetValue(text, out value)) return value;
        var allowed = string.Join(" / ", System.Enum.GetValues<TEnum>().Select(v => Chinese(v)));
        Problem(column, "unknown-value", $"“{Short(text)}”无效，可选：{allowed}", $"'{Short(text)}' is not valid; use one of {allowed} (or the English names)");
        return null;
    }

    public decimal? Decimal(LedgerColumn column, bool required = true)
    {
        if (Raw(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) return value;
        Problem(column, "not-a-number", $"“{Short(text)}”不是数字", $"'{Short(text)}' is not a number");
        return null;
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Chinese<TEnum>(TEnum value) where TEnum : struct, System.Enum => ChineseNames.OfAny(value) ?? value.ToString();
}
