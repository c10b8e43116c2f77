using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Features;

/// 积分排名 for a party group, branch, network zone or the whole organisation, over a year, quarter, month
/// or any date range, filtered by status and category, one page at a time (the CSV holds every row).
/// Not for members: the branch's published ranking (公示) is their view.
public static class RankingEndpoints
{
    public const int MaxPageSize = 1_000;

    public static RouteGroupBuilder MapRankings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rankings").WithTags("Rankings 积分排名");

        group.MapGet("", async Task<Results<Ok<Ranking>, FileContentHttpResult, ProblemHttpResult>> (
                string? scope, string? id, string? period, string? from, string? to, string? status, string? category, string? page, string? pageSize,
                string? format, HttpRequest request, Caller caller, OrganisationDirectory directory, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var s = q.Scope(scope);
                var p = q.Period(period);
                var start = q.Date(from, "from");
                var end = q.Date(to, "to");
                var st = q.Enum<MemberStatus>(status, "status");
                var cat = q.Enum<MemberCategory>(category, "category");
                var pg = q.Int(page, "page", 1, 1_000_000, 1);
                var size = q.Int(pageSize, "pageSize", 1, MaxPageSize, 50);
                var csv = q.Csv(format, request);
                var dates = Dates(q, period, p, from, start, to, end);
                if (s is { } sc) CheckId(q, sc, id);
                if (q.Any) return q.Problem().ToResult();
                if (Refused(caller, s!.Value, id, directory.Current) is { } refused) return refused.ToResult();

                var query = new RankingQuery(s.Value, id, dates.From, dates.To) { Status = st, Category = cat, Page = pg, PageSize = size };
                if (!csv) return TypedResults.Ok(await read.RankingAsync(query, ct));

                var rows = new List<RankingRow>();
                for (var n = 1; ; n++)
                {
                    var part = await read.RankingAsync(query with { Page = n, PageSize = 10_000 }, ct);
                    rows.AddRange(part.Rows);
                    if (rows.Count >= part.Members || part.Rows.Count == 0) break;
                }
                var scopeName = s.Value == RankingScope.Organisation ? "organisation" : $"{s.Value.ToString().ToLowerInvariant()}-{id}";
                return new CsvTable($"ranking-{scopeName}-{dates.From:yyyyMMdd}-{dates.To:yyyyMMdd}.csv",
                        ["名次", "党员编号", "姓名", "支部", "党小组", "身份", "类别", "积分"])
                    .AddRange(rows, r => [r.Rank, r.Member.Value, r.Name, r.Branch.Value, r.Group?.Value, ChineseNames.Of(r.Status), ChineseNames.Of(r.Category), r.Points])
                    .ToResult();
            })
            .RequireStaff().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("Rankings 积分排名（?scope=organisation|zone|branch|group&id=b1&period=2025|2025-Q2|2025-03 or from=&to=&status=&category=&page=&pageSize=&format=csv）");

        return group;
    }

    /// period, or from and to together; the current year when neither is given.
    private static (DateOnly From, DateOnly To) Dates(QueryParameters q, string? periodText, Period? period, string? fromText, DateOnly? from, string? toText, DateOnly? to)
    {
        var range = !string.IsNullOrWhiteSpace(fromText) || !string.IsNullOrWhiteSpace(toText);
        if (!string.IsNullOrWhiteSpace(periodText) && range)
        {
            q.Errors.Add("period", "period-and-range", "period 与 from/to 只能二选一。", "Give either period or from and to, not both.");
            return default;
        }
        if (period is { } p) return (p.Start, p.End);
        if (!range) return (Period.YearOf(q.Today.Year).Start, Period.YearOf(q.Today.Year).End);
        if (string.IsNullOrWhiteSpace(fromText)) q.Errors.Add("from", "required", "给出 to 时也须给出 from。", "from is required with to.");
        if (string.IsNullOrWhiteSpace(toText)) q.Errors.Add("to", "required", "给出 from 时也须给出 to。", "to is required with from.");
        if (from is { } f && to is { } t)
        {
            if (t < f) q.Errors.Add("to", "range-reversed", "to 不能早于 from。", "to must not be before from.");
            else if (t.DayNumber - f.DayNumber > 366 * 5) q.Errors.Add("to", "range-too-long", "日期范围最长 5 年。", "The date range is at most five years.");
            else return (f, t);
        }
        return default;
    }

    private static void CheckId(QueryParameters q, RankingScope scope, string? id)
    {
        if (scope == RankingScope.Organisation)
        {
            if (!string.IsNullOrEmpty(id)) q.Errors.Add("id", "not-allowed", "全组织排名不需要 id。", "An organisation-wide ranking takes no id.");
            return;
        }
        switch (scope)
        {
            case RankingScope.Branch: q.Id<BranchId>(id, "id"); break;
            case RankingScope.Zone: q.Id<NetworkZoneId>(id, "id"); break;
            default: q.Id<PartyGroupId>(id, "id"); break;
        }
    }

    /// 404 for an unknown zone, branch or group; a secretary sees the branches and party groups of their own branches only.
    private static ApiProblem? Refused(Caller caller, RankingScope scope, string? id, OrganisationSnapshot org)
    {
        BranchId? branch = null;
        switch (scope)
        {
            case RankingScope.Zone when !org.Zones.ContainsKey(NetworkZoneId.Parse(id!)):
                return ApiProblem.Field(StatusCodes.Status404NotFound, "id", "unknown-zone", $"没有网络区 {id}。", $"There is no network zone {id}.");
            case RankingScope.Branch:
                branch = BranchId.Parse(id!);
                if (!org.Branches.ContainsKey(branch.Value))
                    return ApiProblem.Field(StatusCodes.Status404NotFound, "id", "unknown-branch", $"没有支部 {id}。", $"There is no branch {id}.");
                break;
            case RankingScope.PartyGroup:
                if (!org.Groups.TryGetValue(PartyGroupId.Parse(id!), out var g))
                    return ApiProblem.Field(StatusCodes.Status404NotFound, "id", "unknown-group", $"没有党小组 {id}。", $"There is no party group {id}.");
                branch = g.Branch;
                break;
        }
        if (caller.Role is Role.Admin or Role.Appraiser) return null;
        if (caller.Role == Role.Secretary && branch is { } b && caller.Branches.Contains(b)) return null;
        return ReadAccess.Forbidden("branch-scope", "支部书记只能查看本人负责支部及其党小组的排名。",
            "A secretary may only rank their own branches and their party groups.");
    }
}
