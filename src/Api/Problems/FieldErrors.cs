using System.Globalization;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Problems;

/// Collects every problem of a request at once (a secretary fixing a 40-line attendance list wants all
/// the wrong lines, not the first), and turns raw contract fields into domain values.
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<FieldError>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string code, string zh, string en)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(new FieldError(code, zh, en));
    }

    public ApiProblem ToProblem(int status = StatusCodes.Status400BadRequest) =>
        new(status, "invalid-request",
            $"请求有 {_errors.Values.Sum(l => l.Count)} 处错误，见 errors。",
            $"The request has {_errors.Values.Sum(l => l.Count)} problem(s); see errors.",
            _errors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<FieldError>)kv.Value, StringComparer.Ordinal));

    public void Missing(string field) =>
        Add(field, "required", $"缺少必填字段 {field}。", $"The field {field} is required.");

    /// An identifier (member, branch, …): required unless <paramref name="required"/> is false.
    public T? Id<T>(string? value, string field, bool required = true) where T : struct, IStringValue<T>
    {
        if (value is null)
        {
            if (required) Missing(field);
            return null;
        }
        try
        {
            return T.Parse(value);
        }
        catch (ArgumentException)
        {
            Add(field, "invalid-id",
                $"{field} 必须是 1–128 个字符、不含空白和控制字符的标识。",
                $"{field} must be an identifier of 1–128 characters without spaces or control characters.");
            return null;
        }
    }

    public DateOnly? Date(DateOnly? value, string field, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, "required", $"缺少日期 {field}（格式 yyyy-MM-dd）。", $"The date {field} is required (yyyy-MM-dd).");
            return null;
        }
        if (value.Value.Year is < 1900 or > 9999)
        {
            Add(field, "date-out-of-range", $"{field} 的年份须在 1900–9999 之间。", $"The year of {field} must lie in 1900–9999.");
            return null;
        }
        return value;
    }

    /// An enum written in English (any case) or Chinese, e.g. "GeneralMeeting" or "党员大会".
    public TEnum? Enum<TEnum>(string? value, string field, bool required = true) where TEnum : struct, System.Enum
    {
        if (value is null)
        {
            if (required) Missing(field);
            return null;
        }
        // Enum.TryParse forgives surrounding spaces ("present "); a value that is not exactly a name is refused like any other.
        if (value.Length > 0 && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1]) && ChineseNames.TryParse<TEnum>(value, out var parsed)) return parsed;
        var allowed = string.Join(", ", System.Enum.GetValues<TEnum>().Select(v => $"{v} ({ChineseOf(v)})"));
        Add(field, "unknown-value", $"{field} 的取值“{Shorten(value)}”无效，可选：{allowed}。", $"'{Shorten(value)}' is not a valid {field}; use one of {allowed}.");
        return null;
    }

    /// Free text a person reads (a topic, a reason): trimmed, storable, at most <paramref name="max"/> characters.
    public string? Text(string? value, string field, bool required = true, int max = 500)
    {
        if (value is null || (required && string.IsNullOrWhiteSpace(value)))
        {
            if (required) Add(field, "required", $"{field} 不能为空。", $"The field {field} must not be empty.");
            return value is null ? null : "";
        }
        var text = value.Trim();
        if (text.Length > max)
            Add(field, "too-long", $"{field} 最多 {max} 个字符（现有 {text.Length} 个）。", $"{field} is at most {max} characters ({text.Length} given).");
        else if (!IsStorable(text))
            Add(field, "invalid-text", $"{field} 含有控制字符或无效的 Unicode 字符。", $"{field} contains control characters or invalid Unicode.");
        return text;
    }

    public decimal? Decimal(decimal? value, string field, int decimals = 2)
    {
        if (value is null)
        {
            Missing(field);
            return null;
        }
        if (decimal.Round(value.Value, decimals) != value.Value)
        {
            Add(field, "too-many-decimals", $"{field} 最多保留 {decimals} 位小数。", $"{field} carries at most {decimals} decimal places.");
            return null;
        }
        return value;
    }

    public static bool IsStorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogatePair(text, i)) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) return false;
        }
        return true;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static string ChineseOf<TEnum>(TEnum value) where TEnum : struct, System.Enum => ChineseNames.OfAny(value) ?? value.ToString().ToLower(CultureInfo.InvariantCulture);
}
