using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// Closing a year (年度结账: appraisal done, ledgers final) and reopening it. Admin only.
public static class CalendarEndpoints
{
    public sealed record CloseYearRequest(DateOnly? OccurredOn);
    public sealed record ReopenYearRequest(string? Reason, DateOnly? OccurredOn);

    public static RouteGroupBuilder MapCalendar(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/years/{year}").WithTags("Calendar 年度");

        group.MapPost("/close", (int year, CloseYearRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                Year(e, year);
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new YearClosed(id, on!.Value, year)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Admin).DocumentedAsWrite().WithSummary("Close a year 年度结账");

        group.MapPost("/reopen", (int year, ReopenYearRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                Year(e, year);
                var reason = e.Text(body.Reason, "reason");
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new YearReopened(id, on!.Value, year, reason!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Admin).DocumentedAsWrite().WithSummary("Reopen a closed year 重新开放年度");

        return group;
    }

    private static void Year(FieldErrors e, int year)
    {
        if (year is < 1900 or > 9999) e.Add("year", "invalid-year", "年度须在 1900–9999 之间。", "The year must lie in 1900–9999.");
    }
}
