using Newtonsoft.Json.Linq;
using PointsEngine.Domain.Appraisal;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Engine.Tests.Rules;

/// #21: a rule set says of whom its vanguard top N % is taken (appraisal.vanguard.topPercentOf): "branch" (the
/// default, what every rule set before the field meant) or "eligible" (members of eligibleGrades only).
public sealed class when_a_rule_set_says_of_whom_the_vanguard_top_percent_is_taken
{
    private static string WithTopPercentOf(JToken? value)
    {
        var document = JObject.Parse(RuleSetDocument.DefaultDocument());
        var vanguard = (JObject)document["appraisal"]!["vanguard"]!;
        if (value is null) vanguard.Remove("topPercentOf");
        else vanguard["topPercentOf"] = value;
        return document.ToString();
    }

    [Fact]
    public void without_the_field_the_whole_branch_is_ranked_as_before()
    {
        Assert.Equal(VanguardPool.Branch, RuleSetDocument.Parse(WithTopPercentOf(null)).Appraisal!.Vanguard!.TopPercentOf);
        Assert.Equal(VanguardPool.Branch, RuleSetDocument.Default().Appraisal!.Vanguard!.TopPercentOf);
    }

    [Theory]
    [InlineData("branch", VanguardPool.Branch)]
    [InlineData("eligible", VanguardPool.Eligible)]
    public void either_reading_can_be_chosen(string value, VanguardPool expected)
    {
        Assert.Equal(expected, RuleSetDocument.Parse(WithTopPercentOf(value)).Appraisal!.Vanguard!.TopPercentOf);
    }

    [Theory]
    [InlineData("\"qualified\"", "must be \"branch\"", "必须是 \"branch\"")]
    [InlineData("10", "must be a string", "必须是字符串")]
    public void another_value_is_refused_with_its_path_in_both_languages(string json, string english, string chinese)
    {
        var problem = Assert.Single(RuleSetDocument.Validate(WithTopPercentOf(JToken.Parse(json))).Problems);
        Assert.Equal("$.appraisal.vanguard.topPercentOf", problem.Path);
        Assert.Contains(english, problem.English, StringComparison.Ordinal);
        Assert.Contains(chinese, problem.Chinese, StringComparison.Ordinal);
    }
}
