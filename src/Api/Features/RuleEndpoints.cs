using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Features;

/// Rule sets (docs/RULES.md): read the one in force on a date, validate a draft, publish a version.
/// Documents are sent and stored as written (the stored text is the evidence of which rules applied).
public static class RuleEndpoints
{
    public sealed record RuleSetInForce(string Version, DateOnly EffectiveFrom, string Name, DateOnly PublishedOn, JsonElement Document);

    public sealed record RuleProblem(string Path, string Zh, string En);

    public sealed record ValidationReport(bool Valid, string? Version, DateOnly? EffectiveFrom, IReadOnlyList<RuleProblem> Problems);

    public static RouteGroupBuilder MapRules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rules").WithTags("Rules 积分规则");

        group.MapGet("", Results<Ok<RuleSetInForce>, ProblemHttpResult> (DateOnly? on, OrganisationDirectory directory, TimeProvider clock) =>
            {
                var date = on ?? DateOnly.FromDateTime(clock.GetLocalNow().Date);
                var org = directory.Current;
                if (org.Rules.InForceOn(date) is not { } set || !org.RuleDocuments.TryGetValue(set.Version, out var published))
                    return ApiProblem.Field(StatusCodes.Status404NotFound, "on", "no-rule-set",
                        $"{date:yyyy-MM-dd} 没有生效的积分规则；管理员可发布一版（GET /api/rules/default 是通用模板）。",
                        $"No rule set is in force on {date:yyyy-MM-dd}; an admin may publish one (GET /api/rules/default is a template).").ToResult();
                using var document = JsonDocument.Parse(published.Document);
                return TypedResults.Ok(new RuleSetInForce(set.Version.Value, set.EffectiveFrom, set.Name, published.OccurredOn, document.RootElement.Clone()));
            })
            .RequireAuthorization(AccessPolicies.Reader).ProducesProblem(404).WithSummary("The rule set in force on a date 查询生效规则");

        group.MapGet("/default", () => TypedResults.Text(RuleSetDocument.DefaultDocument(), "application/json", Encoding.UTF8))
            .RequireAuthorization(AccessPolicies.Reader).WithSummary("The shipped default rule set, a template 通用规则模板");

        group.MapPost("/validate", async Task<Results<Ok<ValidationReport>, ProblemHttpResult>> (HttpRequest request, CancellationToken ct) =>
            {
                if (await ReadDocumentAsync(request, ct) is not { } text) return NotJson().ToResult();
                var (set, problems) = RuleSetDocument.Validate(text);
                return TypedResults.Ok(new ValidationReport(set is not null, set?.Version.Value, set?.EffectiveFrom,
                    [.. problems.Select(p => new RuleProblem(p.Path, p.Chinese, p.English))]));
            })
            .RequireAuthorization(AccessPolicies.Admin).Accepts<JsonElement>("application/json")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).WithSummary("Validate a draft rule set 校验规则草稿");

        // publishedOn (the fact's date) defaults to the document's effectiveFrom, so a retry builds the same fact.
        group.MapPost("", async (HttpRequest request, DateOnly? publishedOn, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            {
                var text = await ReadDocumentAsync(request, ct);
                return await writer.RecordAsync(write, (id, _, _) => ValueTask.FromResult(Build(id, text, publishedOn)), ct);
            })
            .RequireAuthorization(AccessPolicies.Admin).Accepts<JsonElement>("application/json").DocumentedAsWrite()
            .WithSummary("Publish a rule set version 发布规则");

        return group;
    }

    private static Draft Build(FactId id, string? text, DateOnly? publishedOn)
    {
        if (text is null) return NotJson();
        var (set, problems) = RuleSetDocument.Validate(text);
        if (set is null) return Problem(problems);
        return Draft.Of(new RuleSetPublished(id, publishedOn ?? set.EffectiveFrom, set.Version, set.EffectiveFrom, text));
    }

    /// A document's problems, each under its JSON path (the pages show each beside its field).
    public static ApiProblem Problem(IEnumerable<RuleSetProblem> problems)
    {
        var errors = new FieldErrors();
        foreach (var p in problems) errors.Add(p.Path, "invalid-rule-set", p.Chinese, p.English);
        return errors.ToProblem();
    }

    /// The body as text, or null when it is not sent as JSON.
    private static async Task<string?> ReadDocumentAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return null;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    private static ApiProblem NotJson() => ApiProblem.Field(StatusCodes.Status415UnsupportedMediaType, "$", "unsupported-media-type",
        "规则文档须以 JSON 发送（Content-Type: application/json）。", "Send the rule-set document as JSON (Content-Type: application/json).");
}
