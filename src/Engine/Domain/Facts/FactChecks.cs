using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Facts;

/// What is wrong with a fact before it is recorded (for the API and imports): facts are never edited
/// once in the log, so mistakes are best caught here. Empty when the fact may be recorded.
public static class FactChecks
{
    public static IReadOnlyList<Rejection> Problems(IFact fact)
    {
        var problems = new List<Rejection>();
        void Add(string code, string chinese, string english) => problems.Add(new Rejection(code, chinese, english));

        switch (fact)
        {
            case MeetingHeld m:
                if (m.Attendance.Count == 0)
                    Add("empty-attendance", "签到名单不能为空。", "The attendance list must not be empty.");
                foreach (var dup in m.Attendance.GroupBy(a => a.Member).Where(g => g.Count() > 1))
                    Add("duplicate-attendance", $"党员 {dup.Key} 在签到名单中出现了 {dup.Count()} 次。", $"Member {dup.Key} appears {dup.Count()} times on the attendance list.");
                break;
            case VolunteerServiceLogged v when v.Hours is <= 0 or > 24:
                Add("invalid-hours", $"志愿服务时长必须大于 0 且不超过 24 小时（{v.Hours}）。", $"Volunteer hours must be more than 0 and at most 24 ({v.Hours}).");
                break;
            case VolunteerServiceLogged v when decimal.Round(v.Hours, 2) != v.Hours:
                Add("invalid-hours", "志愿服务时长最多保留两位小数。", $"Volunteer hours carry at most two decimal places ({v.Hours}).");
                break;
            case Workflows.ClaimSubmitted { Kind: Workflows.ClaimKind.VolunteerService, Hours: null or <= 0 or > 24 } c:
                Add("invalid-hours", $"志愿服务时长必须大于 0 且不超过 24 小时（{c.Hours}）。", $"Volunteer hours must be more than 0 and at most 24 ({c.Hours}).");
                break;
            case Workflows.ClaimSubmitted { Kind: Workflows.ClaimKind.VolunteerService, Hours: { } h } when decimal.Round(h, 2) != h:
                Add("invalid-hours", "志愿服务时长最多保留两位小数。", $"Volunteer hours carry at most two decimal places ({h}).");
                break;
            case ManualAdjustment a:
                if (a.Points == Points.Zero) Add("zero-adjustment", "加减分不能为 0。", "An adjustment must not be zero.");
                if (string.IsNullOrWhiteSpace(a.Reason)) Add("missing-reason", "加减分必须注明理由。", "An adjustment needs a reason.");
                if (string.IsNullOrWhiteSpace(a.Approver)) Add("missing-approver", "加减分必须注明审批人。", "An adjustment needs an approver.");
                break;
            case FactRevoked r:
                if (r.Target == r.FactId) Add("self-revocation", "撤销不能指向自身。", "A revocation cannot revoke itself.");
                if (r.Members.Count == 0) Add("no-members", "撤销须列出原事实涉及的党员。", "A revocation lists the members the revoked fact concerned.");
                if (string.IsNullOrWhiteSpace(r.Reason)) Add("missing-reason", "撤销必须注明理由。", "A revocation needs a reason.");
                break;
            case YearOpened { Year: < 1900 or > 9999 } or YearClosed { Year: < 1900 or > 9999 } or YearReopened { Year: < 1900 or > 9999 }:
                Add("invalid-year", "年度超出范围。", "The year is out of range.");
                break;
        }
        return problems;
    }
}
