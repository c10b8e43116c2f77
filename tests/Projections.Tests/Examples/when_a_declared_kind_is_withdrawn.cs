using Newtonsoft.Json.Linq;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Tests.Support;
using static PointsEngine.Projections.Tests.Examples.TwoBranchYear;

namespace PointsEngine.Projections.Tests.Examples;

/// #22: a rule set from 1 July no longer declares 参加党校培训 (the typical set declares it). m1's training of 1 August
/// scores 0 and the evidence says why, on a line of its own; the training of 1 March, under the set that declares the
/// kind and scores it, keeps its points and its declared rule's name.
public sealed class when_a_declared_kind_is_withdrawn : IAsyncLifetime
{
    private Scenario _scenario = null!;
    private MemberEvidence _m1 = null!;

    public async Task InitializeAsync()
    {
        var v1 = JObject.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        ((JArray)v1["rules"]!).Add(JObject.Parse("""{ "id": "training", "name": "参加党校培训 +2", "category": "goldenIdea", "fact": "activity", "kind": "training", "points": 2 }"""));
        var v2 = (JObject)v1.DeepClone();
        v2["version"] = "no-training";
        v2["effectiveFrom"] = "2025-07-01";
        v2.Remove("kinds");
        ((JArray)v2["rules"]!).Last!.Remove();

        _scenario = await Scenario.StartAsync(new SqliteBackend());
        var facts = Facts().Where(f => f is not RuleSetPublished).ToList();
        IFact[] more =
        [
            new RuleSetPublished(new FactId("rules-v1"), new DateOnly(2024, 12, 20), new RuleSetVersion("default-2025.1"), new DateOnly(2025, 1, 1), v1.ToString()),
            new RuleSetPublished(new FactId("rules-v2"), new DateOnly(2025, 6, 20), new RuleSetVersion("no-training"), new DateOnly(2025, 7, 1), v2.ToString()),
            .. facts,
            Training("training-march", new DateOnly(2025, 3, 1)),
            Training("training-august", new DateOnly(2025, 8, 1)),
        ];
        await _scenario.RecordAsync(more);
        await _scenario.SettleAsync();
        _m1 = (await _scenario.ReadModels.EvidenceAsync(M1, 2025))!;
    }

    private static ActivityLogged Training(string id, DateOnly on) =>
        new(new FactId(id), on, M1, "training", new RuleSetVersion("default-2025.1"), [new ActivityValue("days", Number: 3)], "参加党校培训", "培训天数 3 天");

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public void the_record_under_the_declaring_set_reads_by_its_declared_rule()
    {
        var line = _m1.Lines.Single(l => l.Fact?.FactId.Value == "training-march");
        Assert.Equal(2m, line.Granted);
        Assert.Equal("参加党校培训 +2：2025-03-01 参加党校培训：培训天数 3 天；计 2 分", line.Explained.Text);
    }

    [Fact]
    public void the_record_after_the_kind_is_withdrawn_scores_0_on_a_line_that_says_why()
    {
        var line = _m1.Lines.Single(l => l.Fact?.FactId.Value == "training-august");
        Assert.Equal(0m, line.Granted);
        Assert.Equal("kind-withdrawn", line.Rule.Value);
        Assert.Equal("活动类别已停用（规则集 no-training 自 2025-07-01 起不再声明此类活动）：2025-08-01 参加党校培训：培训天数 3 天；计 0 分", line.Explained.Text);
    }
}
