using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Projections.Simulation;
using PointsEngine.Store;

namespace PointsEngine.Api.Features;

/// "What would this draft do?": the draft rule set (the same JSON as publishing) applied to the real
/// history as a publish now would apply it, answered with every member's current and simulated total
/// and the rankings before and after. Writes nothing (src/Projections/Simulation/RuleSimulation.cs).
public static class RuleSimulationEndpoints
{
    public static RouteHandlerBuilder MapRuleSimulation(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/rules/simulate", async Task<Results<Ok<SimulationResult>, ProblemHttpResult>> (
                string? year, HttpRequest request, IEventStore store, EventSerializer serializer, ScoringHost scoring,
                IOptions<ApiSettings> settings, TimeProvider clock, CancellationToken ct) =>
            {
                var q = new QueryParameters(clock);
                var y = q.Year(year);
                if (q.Any) return q.Problem().ToResult();
                if (!request.HasJsonContentType())
                    return ApiProblem.Field(StatusCodes.Status415UnsupportedMediaType, "$", "unsupported-media-type",
                        "规则草稿须以 JSON 发送（Content-Type: application/json）。", "Send the draft rule set as JSON (Content-Type: application/json).").ToResult();
                string text;
                using (var reader = new StreamReader(request.Body, Encoding.UTF8)) text = await reader.ReadToEndAsync(ct);

                var (draft, problems) = RuleSimulation.Draft(text);
                if (draft is null) return RuleEndpoints.Problem(problems).ToResult();

                return TypedResults.Ok(await SimulateAsync(draft, y, store, serializer, scoring, settings.Value, ct));
            })
            .RequireAuthorization(AccessPolicies.Admin).Accepts<System.Text.Json.JsonElement>("application/json")
            .WithTags("Rules 积分规则").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415)
            .WithSummary("Simulate a draft rule set over the real history, writing nothing 规则模拟（?year=2025）");

    /// The simulation as the API and the admin's rules page (#20) answer it.
    public static async Task<SimulationResult> SimulateAsync(RuleSetPublished draft, int year, IEventStore store, EventSerializer serializer,
        ScoringHost scoring, ApiSettings settings, CancellationToken ct)
    {
        // Compare against what is recorded, so let scoring catch up first (bounded: the answer says
        // which log position it read).
        if (scoring.Running)
        {
            var head = await store.ReadHeadPositionAsync(ct);
            try
            {
                await scoring.Engine.WaitUntilScoredAsync(head, ct).WaitAsync(TimeSpan.FromSeconds(settings.WaitSeconds), ct);
            }
            catch (TimeoutException)
            {
                // Simulate over what is scored so far.
            }
        }
        return await RuleSimulation.RunAsync(store, serializer, draft, year, ct);
    }
}
