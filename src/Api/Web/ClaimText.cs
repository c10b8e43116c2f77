using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Web;

/// A claim's kind and status as the pages name them (the read model carries the English names).
public static class ClaimText
{
    public static string KindName(string kind) => Enum.TryParse<ClaimKind>(kind, out var k) ? ChineseNames.Of(k) : kind;

    public static string StatusName(string status) => status switch
    {
        "pending" => "待审核",
        "accepted" => "已通过",
        "rejected" => "已退回",
        _ => status,
    };
}
