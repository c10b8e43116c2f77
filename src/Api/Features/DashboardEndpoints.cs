using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Features;

/// A branch's organisation life (三会一课 against the required cadence, attendance per meeting and per
/// member, participation) and 网上预警 (members who stopped attending or keep missing meetings, required
/// meetings not held). CSV tables: meetings (default), attendance, members; warnings as one table.
public static class DashboardEndpoints
{
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Dashboard 三会一课与预警");

        group.MapGet("/branches/{branch}/dashboard", async Task<Results<Ok<BranchDashboard>, FileContentHttpResult, ProblemHttpResult>> (
                string branch, string? year, string? asOf, string? format, string? table,
                HttpRequest request, Caller caller, OrganisationDirectory directory, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var which = q.Id<BranchId>(branch, "branch");
                var y = q.Year(year);
                var until = q.Date(asOf, "asOf");
                var csv = q.Csv(format, request);
                var kind = q.Table(table, "meetings", "attendance", "members");
                if (q.Any) return q.Problem().ToResult();
                if (ReadAccess.Branch(caller, which!.Value, directory.Current) is { } refused) return refused.ToResult();

                var dashboard = await read.DashboardAsync(which.Value, y, until, ct);
                if (!csv) return TypedResults.Ok(dashboard);
                var name = $"dashboard-{which}-{y}-{kind}.csv";
                return kind switch
                {
                    "attendance" => new CsvTable(name, ["日期", "会议类型", "形式", "主题", "应到", "实到", "请假", "缺席", "出勤率", "事实编号"])
                        .AddRange(dashboard.MeetingAttendance, m => [m.Date, ChineseNames.Of(m.Kind), ChineseNames.Of(m.Mode), m.Topic, m.Listed, m.Attended,
                            m.Excused, m.Absent, m.Rate, m.Meeting.Value]).ToResult(),
                    "members" => new CsvTable(name, ["党员编号", "姓名", "应到", "实到", "请假", "缺席", "出勤率"])
                        .AddRange(dashboard.MemberAttendance, m => [m.Member.Value, m.Name, m.Listed, m.Attended, m.Excused, m.Absent, m.Rate]).ToResult(),
                    _ => new CsvTable(name, ["会议类型", .. Enumerable.Range(1, 12).Select(i => $"{i}月"), "合计", "要求", "未达标期间"])
                        .AddRange(dashboard.Meetings, k => [k.Name, .. k.ByMonth.Cast<object?>(), k.ByMonth.Sum(), Required(k.Required),
                            string.Join(" ", k.MissedPeriods)]).ToResult(),
                };
            })
            .RequireStaff().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("A branch's 三会一课 dashboard 支部组织生活统计（?year=2025&asOf=&format=csv&table=meetings|attendance|members）");

        group.MapGet("/branches/{branch}/warnings", async Task<Results<Ok<Warnings>, FileContentHttpResult, ProblemHttpResult>> (
                string branch, string? on, string? format,
                HttpRequest request, Caller caller, OrganisationDirectory directory, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var which = q.Id<BranchId>(branch, "branch");
                var date = q.Date(on, "on") ?? q.Today;
                var csv = q.Csv(format, request);
                if (q.Any) return q.Problem().ToResult();
                if (ReadAccess.Branch(caller, which!.Value, directory.Current) is { } refused) return refused.ToResult();

                var warnings = await read.WarningsAsync(date, null, which.Value, ct);
                return csv ? WarningsTable($"warnings-{which}-{date:yyyyMMdd}.csv", warnings).ToResult() : TypedResults.Ok(warnings);
            })
            .RequireStaff().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("A branch's warnings on a date 支部网上预警（?on=2025-06-30&format=csv）");

        group.MapGet("/warnings", async Task<Results<Ok<Warnings>, FileContentHttpResult, ProblemHttpResult>> (
                string? on, string? format, HttpRequest request, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var date = q.Date(on, "on") ?? q.Today;
                var csv = q.Csv(format, request);
                if (q.Any) return q.Problem().ToResult();
                var warnings = await read.WarningsAsync(date, null, null, ct);
                return csv ? WarningsTable($"warnings-{date:yyyyMMdd}.csv", warnings).ToResult() : TypedResults.Ok(warnings);
            })
            .RequireOrganisationReader().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .WithSummary("Warnings for the whole organisation on a date 全组织网上预警（?on=2025-06-30&format=csv）");

        return group;
    }

    private static string? Required(MeetingCadence? c) => c is null ? null
        : $"每{c.Every switch { PeriodKind.Month => "月", PeriodKind.Quarter => "季度", _ => "年" }}至少 {c.AtLeast} 次";

    private static CsvTable WarningsTable(string name, Warnings w) =>
        new CsvTable(name, ["对象", "编号", "名称", "支部", "预警类型", "说明", "Description"])
            .AddRange(w.Members, m => ["党员", m.Member.Value, m.Name, m.Branch.Value,
                m.Kind == MemberWarningKind.NoAttendance ? "长期未参加组织生活" : "无故缺席", m.Chinese, m.English])
            .AddRange(w.Branches, b => ["支部", b.Branch.Value, b.Name, b.Branch.Value, $"{ChineseNames.Of(b.Kind)}未按期召开（{b.Period}）", b.Chinese, b.English]);
}
