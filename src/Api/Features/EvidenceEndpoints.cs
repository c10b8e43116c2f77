using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Features;

/// 年终考核台账: a member's year line by line (every award, correction and revocation with its fact, rule
/// and who recorded it), and a branch's report with every member's standing and grade. CSV: the member's
/// lines; for a branch its members (default) or all their lines.
public static class EvidenceEndpoints
{
    private static readonly string[] LineHeaders =
        ["日期", "变动", "类别", "规则", "规则版本", "原规则版本", "申报分值", "核定分值", "原核定分值", "封顶说明", "原因", "决定时间(UTC)",
         "事实编号", "事实类型", "事实摘要", "登记人", "登记时间(UTC)", "评定人", "撤销", "事项", "说明", "记录人"];

    public static RouteGroupBuilder MapEvidence(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Evidence 年终考核台账");

        group.MapGet("/members/{member}/evidence", async Task<Results<Ok<MemberEvidence>, FileContentHttpResult, ProblemHttpResult>> (
                string member, string? year, string? format,
                HttpRequest request, Caller caller, OrganisationDirectory directory, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var who = q.Id<MemberId>(member, "member");
                var y = q.Year(year);
                var csv = q.Csv(format, request);
                if (q.Any) return q.Problem().ToResult();
                if (ReadAccess.Member(caller, who!.Value, y, directory.Current) is { } refused) return refused.ToResult();

                if (await read.EvidenceAsync(who.Value, y, ct) is not { } evidence)
                    return ReadAccess.NotYetProjected("member", who.Value.Value).ToResult();
                if (!csv) return TypedResults.Ok(evidence);
                return new CsvTable($"evidence-{who}-{y}.csv", LineHeaders).AddRange(evidence.Lines, Line).ToResult();
            })
            .RequireAuthorization(AccessPolicies.Reader).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("A member's evidence for a year 党员年度台账（?year=2025&format=csv）");

        group.MapGet("/branches/{branch}/evidence", async Task<Results<Ok<BranchEvidence>, FileContentHttpResult, ProblemHttpResult>> (
                string branch, string? year, string? format, string? table,
                HttpRequest request, Caller caller, OrganisationDirectory directory, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var which = q.Id<BranchId>(branch, "branch");
                var y = q.Year(year);
                var csv = q.Csv(format, request);
                var kind = q.Table(table, "members", "lines");
                if (q.Any) return q.Problem().ToResult();
                if (ReadAccess.Branch(caller, which!.Value, directory.Current) is { } refused) return refused.ToResult();

                var report = await read.BranchEvidenceAsync(which.Value, y, ct);
                if (!csv) return TypedResults.Ok(report);
                var name = $"evidence-{which}-{y}-{kind}.csv";
                if (kind == "lines")
                    return new CsvTable(name, ["党员编号", "姓名", .. LineHeaders])
                        .AddRange(report.Members.SelectMany(m => m.Lines.Select(l => (m, l))), x => [x.m.Member.Value, x.m.Name, .. Line(x.l)]).ToResult();
                return new CsvTable(name, ["党员编号", "姓名", "身份", "类别", "年度积分", "扣分", "应到", "实到", "请假", "迟到", "无故缺席",
                        "支部名次", "综合得分", "等级", "先锋示范岗", "说明"])
                    .AddRange(report.Ranked().OrderBy(x => x.Member.Member.Value, StringComparer.Ordinal), x => MemberRow(x.Rank, x.Member))
                    .ToResult();
            })
            .RequireStaff().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("A branch's evidence report for a year 支部年终考核报告（?year=2025&format=csv&table=members|lines）");

        return group;
    }

    // The summary's place beside the reasons that print it (#21).
    private static object?[] MemberRow(int rank, MemberEvidence m) =>
    [
        m.Member.Value, m.Name, ChineseNames.Of(m.Standing.Status), ChineseNames.Of(m.Standing.Category),
        m.Total, m.Standing.Deductions.Value, m.Standing.MeetingsListed, m.Standing.MeetingsAttended, m.Standing.Excused, m.Standing.Late,
        m.Standing.UnexcusedAbsences, rank, m.Appraisal?.FinalScore, m.Appraisal?.GradeName, m.Appraisal?.Vanguard,
        m.Appraisal?.ReasonText,
    ];

    private static object?[] Line(EvidenceLine l) =>
    [
        l.OccurredOn, Web.Ledger.ChangeName(l.Change), l.CategoryName, l.Rule.Value, l.Version.Value, l.PreviousVersion?.Value, l.Requested, l.Granted, l.PreviousGranted,
        l.CapNote, l.Cause, l.DecidedAt, l.Fact?.FactId.Value, l.Fact?.Kind, l.Fact?.Summary, l.Fact?.RecordedBy, l.Fact?.RecordedAt, l.Fact?.AssessedBy,
        l.Fact is { Revocations.Count: > 0 } f ? string.Join("；", f.Revocations.Select(r => $"{r.OccurredOn:yyyy-MM-dd} {r.RecordedBy} 撤销：{r.Reason}")) : null,
        l.Explained.Rule, l.Explained.Text, l.Explained.Recorder,
    ];
}
