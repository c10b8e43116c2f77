using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Web;

/// A period as the pages name it: 2025 年度, 2025 年第 2 季度, 2025 年 6 月.
public static class PeriodNames
{
    public static string Of(Period period) => period.Kind switch
    {
        PeriodKind.Month => $"{period.Year} 年 {period.Index} 月",
        PeriodKind.Quarter => $"{period.Year} 年第 {period.Index} 季度",
        _ => $"{period.Year} 年度",
    };

    /// A notice's label (2025, 2025-Q2, 2025-06) by name; the label itself if it is not one.
    public static string Of(string label) => Notices.ParsePeriod(label) is { } period ? Of(period) : label;
}
