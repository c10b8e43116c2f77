using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Features;

/// 我的积分: a member's standing for a year (total, by category, by month, places in branch and party
/// group, the daily series), optionally as of a date. CSV tables: months (default), categories, series.
public static class StandingEndpoints
{
    public static RouteGroupBuilder MapStanding(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/members").WithTags("Standing 我的积分");

        group.MapGet("/{member}/standing", async Task<Results<Ok<MemberStanding>, FileContentHttpResult, ProblemHttpResult>> (
                string member, string? year, string? asOf, string? format, string? table,
                HttpRequest request, Caller caller, OrganisationDirectory directory, ReadModels read, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var who = q.Id<MemberId>(member, "member");
                var y = q.Year(year);
                var until = q.Date(asOf, "asOf");
                var csv = q.Csv(format, request);
                var which = q.Table(table, "months", "categories", "series");
                if (q.Any) return q.Problem().ToResult();
                if (ReadAccess.Member(caller, who!.Value, y, directory.Current) is { } refused) return refused.ToResult();

                if (await read.StandingAsync(who.Value, y, until, ct) is not { } standing)
                    return ReadAccess.NotYetProjected("member", who.Value.Value).ToResult();
                if (!csv) return TypedResults.Ok(standing);
                var name = $"standing-{who}-{y}-{which}.csv";
                return which switch
                {
                    "categories" => new CsvTable(name, ["类别编号", "类别", "积分"])
                        .AddRange(standing.ByCategory, c => [c.Category, c.Name, c.Points]).ToResult(),
                    "series" => new CsvTable(name, ["日期", "当日积分", "累计积分"])
                        .AddRange(standing.Series, s => [s.Date, s.Points, s.Cumulative]).ToResult(),
                    _ => Months(name, standing).ToResult(),
                };
            })
            .RequireAuthorization(AccessPolicies.Reader).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("A member's standing for a year 党员积分（?year=2025&asOf=2025-06-30&format=csv&table=months|categories|series）");

        return group;
    }

    private static CsvTable Months(string name, MemberStanding s)
    {
        var table = new CsvTable(name, ["月份", "积分", "累计积分"]);
        var running = 0m;
        for (var i = 0; i < s.ByMonth.Count; i++)
        {
            running += s.ByMonth[i];
            table.Add($"{s.Year}-{i + 1:00}", s.ByMonth[i], running);
        }
        return table;
    }
}
