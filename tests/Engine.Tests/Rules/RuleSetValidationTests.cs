using PointsEngine.Engine.Rules;

namespace PointsEngine.Engine.Tests.Rules;

public sealed class when_a_rule_set_document_has_mistakes
{
    private const string Broken = """
        {
          "version": "broken 1",
          "effectiveFrom": "2025/01/01",
          "baseScore": 60.123,
          "categories": [ { "id": "attendance" } ],
          "rules": [
            { "id": "a", "category": "attendance", "fact": "attendance", "points": 5 },
            { "id": "b", "category": "attendence", "fact": "attendance", "points": 5 },
            { "id": "c", "category": "attendance", "fact": "attendance", "when": { "meetingKinds": ["党员会"] }, "points": 5 },
            { "id": "d", "category": "attendance", "fact": "attendance", "points": "five" },
            { "id": "a", "category": "attendance", "fact": "meeting", "points": 1, "caps": [ { "period": "week", "max": 3 } ] },
            { "id": "f", "category": "attendance", "fact": "volunteerService", "perUnit": 1, "levels": { "一般": 1 } }
          ],
          "appraisal": { "grades": [ { "id": "Excellent", "minScore": 90 } ], "vetoes": [ { "id": "v", "when": { "metric": "UnexcusedAbsences", "atLeast": 1 }, "bars": "Best" } ] }
        }
        """;

    private readonly IReadOnlyList<RuleSetProblem> _problems = RuleSetDocument.Validate(Broken).Problems;

    [Theory]
    [InlineData("$.version", "identifier")]
    [InlineData("$.effectiveFrom", "yyyy-MM-dd")]
    [InlineData("$.baseScore", "2 decimal places")]
    [InlineData("$.rules[1].category", "not declared")]
    [InlineData("$.rules[2].when.meetingKinds[0]", "must be one of")]
    [InlineData("$.rules[3].points", "must be a number")]
    [InlineData("$.rules[4].fact", "must be one of")]
    [InlineData("$.rules[4].caps[0].period", "month, quarter or year")]
    [InlineData("$.rules[5]", "use exactly one")]
    [InlineData("$.rules", "'a' is used more than once")]
    [InlineData("$.appraisal.vetoes[0].bars", "not a grade id")]
    public void every_problem_is_reported_with_its_path(string path, string reason)
    {
        Assert.Contains(_problems, p => p.Path == path && p.English.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void problems_read_as_path_reason_in_english_and_chinese()
    {
        var problem = Assert.Single(_problems, p => p.Path == "$.rules[3].points");
        Assert.Equal("$.rules[3].points: must be a number / 必须是数字", problem.ToString());
    }

    [Fact]
    public void parsing_throws_with_all_problems_at_once()
    {
        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetDocument.Parse(Broken));
        Assert.Equal(_problems.Count, error.Problems.Count);
        Assert.True(error.Problems.Count >= 11, $"only {error.Problems.Count} problems reported");
    }

    [Fact]
    public void invalid_json_is_one_problem_at_the_root()
    {
        var problem = Assert.Single(RuleSetDocument.Validate("{ \"version\": ").Problems);
        Assert.Equal("$", problem.Path);
    }

    [Fact]
    public void an_unknown_property_is_reported_so_typos_do_not_silently_drop_a_rule()
    {
        var problems = RuleSetDocument.Validate("""
            { "version": "v", "effectiveFrom": "2025-01-01", "categories": [ { "id": "x" } ],
              "rules": [ { "id": "r", "category": "x", "fact": "attendance", "points": 1, "cap": [] } ] }
            """).Problems;
        Assert.Equal("$.rules[0].cap", Assert.Single(problems).Path);
    }
}
