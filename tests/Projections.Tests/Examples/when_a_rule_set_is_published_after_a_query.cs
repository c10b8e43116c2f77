using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;
using static PointsEngine.Projections.Tests.Examples.TwoBranchYear;

namespace PointsEngine.Projections.Tests.Examples;

/// The queries keep the rule book they parsed; a rule set published afterwards must still be read.
public abstract class when_a_rule_set_is_published_after_a_query
{
    protected abstract Backend Backend { get; }

    [Fact]
    public async Task the_next_query_names_the_categories_as_the_new_rule_set_does()
    {
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(Facts());
        await scenario.SettleAsync();
        var before = await scenario.ReadModels.EvidenceAsync(M1, 2025);
        Assert.Contains(before!.ByCategory, c => c.Category == "attendance" && c.Name == "组织生活 / organisation life");

        var renamed = PointsEngine.TestSupport.TypicalRules.Document()
            .Replace("\"default-2025.1\"", "\"default-2025.2\"", StringComparison.Ordinal)
            .Replace("组织生活 / organisation life", "组织生活（新） / organisation life (new)", StringComparison.Ordinal);
        var set = RuleSetDocument.Parse(renamed);
        await scenario.RecordAsync([new RuleSetPublished(new FactId("rules-2025-2"), new DateOnly(2025, 12, 30), set.Version, set.EffectiveFrom, renamed)]);
        await scenario.SettleAsync();

        var after = await scenario.ReadModels.EvidenceAsync(M1, 2025);
        Assert.Contains(after!.ByCategory, c => c.Category == "attendance" && c.Name == "组织生活（新） / organisation life (new)");
        var fresh = await new ReadModels(scenario.Store, scenario.Serializer).EvidenceAsync(M1, 2025);
        Assert.Equal(fresh!.ByCategory, after.ByCategory);
    }
}

public sealed class when_a_rule_set_is_published_after_a_query_on_sqlite : when_a_rule_set_is_published_after_a_query
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_a_rule_set_is_published_after_a_query_on_postgres(PostgresFixture postgres) : when_a_rule_set_is_published_after_a_query
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
