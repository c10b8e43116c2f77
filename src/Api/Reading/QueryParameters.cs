using System.Globalization;
using Microsoft.Net.Http.Headers;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Reading;

/// Query-string parameters of the read endpoints, parsed by hand so that a bad value is a 400 problem
/// naming the parameter in Chinese and English (the framework's binder would only say "failed to bind").
/// Every problem of a request is collected before answering.
public sealed class QueryParameters(TimeProvider clock)
{
    public FieldErrors Errors { get; } = new();

    public bool Any => Errors.Any;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().Date);

    public T? Id<T>(string? value, string name) where T : struct, IStringValue<T> => Errors.Id<T>(value, name);

    /// A year 1900–9999; the current year when omitted.
    public int Year(string? text, string name = "year")
    {
        if (string.IsNullOrWhiteSpace(text)) return Today.Year;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 9999) return year;
        Errors.Add(name, "invalid-year", $"{name} 须为 1900–9999 之间的年份，如 2025（收到“{Shorten(text)}”）。",
            $"{name} must be a year in 1900–9999 such as 2025 ('{Shorten(text)}' given).");
        return Today.Year;
    }

    /// A date yyyy-MM-dd, or null when omitted.
    public DateOnly? Date(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 1900) return date;
        Errors.Add(name, "invalid-date", $"{name} 须为 yyyy-MM-dd 格式的日期，如 2025-06-30（收到“{Shorten(text)}”）。",
            $"{name} must be a date in the form yyyy-MM-dd such as 2025-06-30 ('{Shorten(text)}' given).");
        return null;
    }

    public int Int(string? text, string name, int min, int max, int fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        Errors.Add(name, "out-of-range", $"{name} 须为 {min}–{max} 之间的整数（收到“{Shorten(text)}”）。",
            $"{name} must be a whole number in {min}–{max} ('{Shorten(text)}' given).");
        return fallback;
    }

    public TEnum? Enum<TEnum>(string? text, string name) where TEnum : struct, System.Enum =>
        string.IsNullOrWhiteSpace(text) ? null : Errors.Enum<TEnum>(text, name);

    /// A period: 2025 (year), 2025-Q2 (quarter), 2025-03 (month).
    public Period? Period(string? text, string name = "period")
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        try
        {
            if (t.Length == 4 && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var y))
                return Domain.Values.Period.YearOf(y);
            if (t.Length == 7 && t[4] == '-' && int.TryParse(t[..4], NumberStyles.None, CultureInfo.InvariantCulture, out y))
            {
                if (t[5] is 'Q' or 'q' && int.TryParse(t[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var q))
                    return Domain.Values.Period.QuarterOf(y, q);
                if (int.TryParse(t[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var m))
                    return Domain.Values.Period.MonthOf(y, m);
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // falls through to the problem below
        }
        Errors.Add(name, "invalid-period", $"{name} 须为年度（2025）、季度（2025-Q2）或月份（2025-03）（收到“{Shorten(text)}”）。",
            $"{name} must be a year (2025), a quarter (2025-Q2) or a month (2025-03) ('{Shorten(text)}' given).");
        return null;
    }

    /// A ranking scope in English or Chinese.
    public RankingScope? Scope(string? text, string name = "scope")
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "organisation" or "organization" or "全组织" or "党委": return RankingScope.Organisation;
            case "zone" or "网络区": return RankingScope.Zone;
            case "branch" or "支部" or "党支部": return RankingScope.Branch;
            case "group" or "party-group" or "党小组": return RankingScope.PartyGroup;
        }
        Errors.Add(name, "unknown-value", $"{name} 的取值“{Shorten(text!)}”无效，可选：organisation（全组织）、zone（网络区）、branch（支部）、group（党小组）。",
            $"'{Shorten(text!)}' is not a valid {name}; use organisation, zone, branch or group.");
        return null;
    }

    /// One of the tables a resource offers as CSV; the first is the default.
    public string Table(string? text, params string[] tables)
    {
        if (string.IsNullOrWhiteSpace(text)) return tables[0];
        var t = text.Trim().ToLowerInvariant();
        if (tables.Contains(t)) return t;
        Errors.Add("table", "unknown-value", $"table 的取值“{Shorten(text)}”无效，可选：{string.Join("、", tables)}。",
            $"'{Shorten(text)}' is not a table here; use one of {string.Join(", ", tables)}.");
        return tables[0];
    }

    /// CSV when asked with ?format=csv or, without a format, with Accept: text/csv; JSON otherwise.
    public bool Csv(string? format, HttpRequest request)
    {
        switch (format?.Trim().ToLowerInvariant())
        {
            case "csv": return true;
            case "json": return false;
            case null or "":
                if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return false;
                double Quality(string type) => accepted.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase))
                    .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
                var csv = Quality(CsvTable.MediaType);
                return csv > 0 && csv >= Quality("application/json");
        }
        Errors.Add("format", "unknown-value", $"format 的取值“{Shorten(format)}”无效，可选：json、csv。", $"'{Shorten(format)}' is not a format; use json or csv.");
        return false;
    }

    public ApiProblem Problem() => Errors.ToProblem();

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
