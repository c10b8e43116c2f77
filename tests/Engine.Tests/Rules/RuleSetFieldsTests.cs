using PointsEngine.Engine.Rules;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Rules;

/// #20: the admin's rule form names each field by the JSON path the validator reports its problems at, so a
/// problem is shown beside the field it is about.
public sealed class when_a_rule_set_is_edited_in_the_form
{
    private static readonly string Typical = TypicalRules.Document();

    [Fact]
    public void the_form_offers_version_date_each_rules_points_the_caps_and_the_grade_bands()
    {
        var fields = RuleSetFields.Of(Typical).ToDictionary(f => f.Path);
        Assert.Equal("default-2025.1", fields["$.version"].Value);
        Assert.Equal("2025-01-01", fields["$.effectiveFrom"].Value);
        Assert.Equal(("5", "「参加党员大会 +5」分值"), (fields["$.rules[0].points"].Value, fields["$.rules[0].points"].Label));
        Assert.Equal(("20", "「参加党员大会 +5」每年上限"), (fields["$.rules[0].caps[0].max"].Value, fields["$.rules[0].caps[0].max"].Label));
        Assert.Equal("0", fields["$.total.caps[0].min"].Value);
        Assert.Equal(("90", "等级「优秀」最低分"), (fields["$.appraisal.grades[0].minScore"].Value, fields["$.appraisal.grades[0].minScore"].Label));
    }

    /// Every field, given a value the validator refuses, is refused at that field's own path: the page can put each
    /// problem beside its field.
    [Fact]
    public void a_wrong_value_in_any_field_is_reported_at_that_fields_path()
    {
        var fields = RuleSetFields.Of(Typical);
        Assert.True(fields.Count > 30, $"only {fields.Count} fields");
        foreach (var field in fields)
        {
            var bad = field.Kind == RuleSetFields.Kind.Text ? "has space" : "abc";
            var (json, unknown) = RuleSetFields.Apply(Typical, [KeyValuePair.Create(field.Path, (string?)bad)]);
            Assert.Empty(unknown);
            var (set, problems) = RuleSetDocument.Validate(json);
            if (field.Path == "$.name") { Assert.NotNull(set); continue; } // any text is a name
            Assert.Null(set);
            Assert.Contains(problems, p => p.Path == field.Path);
        }
    }

    [Fact]
    public void numbers_are_written_as_numbers_and_the_result_validates_with_them()
    {
        var (json, _) = RuleSetFields.Apply(Typical, [
            KeyValuePair.Create("$.rules[0].points", (string?)"7.5"),
            KeyValuePair.Create("$.appraisal.grades[0].minScore", (string?)" 85 "),
            KeyValuePair.Create("$.version", (string?)"typical-2026.1"),
        ]);
        var set = RuleSetDocument.Parse(json);
        Assert.Equal((7.5m, 85m, "typical-2026.1"), (set.Rules[0].Amount.Value, set.Appraisal!.Grades[0].MinScore, set.Version.Value));
    }

    [Fact]
    public void an_emptied_cap_bound_is_removed_and_a_path_that_is_no_field_is_returned_unapplied()
    {
        var (json, unknown) = RuleSetFields.Apply(Typical, [
            KeyValuePair.Create("$.rules[0].caps[0].max", (string?)""),
            KeyValuePair.Create("$.rules[0].id", (string?)"renamed"),
        ]);
        Assert.Equal(["$.rules[0].id"], unknown);
        var (_, problems) = RuleSetDocument.Validate(json);
        // The cap now has neither bound: the validator says so at the cap.
        Assert.Contains(problems, p => p.Path == "$.rules[0].caps[0]");
        Assert.DoesNotContain("renamed", json, StringComparison.Ordinal);
    }

    [Fact]
    public void fields_the_form_does_not_know_pass_through_untouched()
    {
        // Whatever else the document holds (here an unknown member the validator will report) is kept as it is.
        var doc = Typical.Replace("\"baseScore\": 60,", "\"baseScore\": 60, \"activityKinds\": [ { \"id\": \"x\" } ],", StringComparison.Ordinal);
        var (json, _) = RuleSetFields.Apply(doc, [KeyValuePair.Create("$.baseScore", (string?)"50")]);
        Assert.Contains("activityKinds", json, StringComparison.Ordinal);
        Assert.Contains(RuleSetDocument.Validate(json).Problems, p => p.Path == "$.activityKinds");
    }

    [Fact]
    public void a_problems_line_is_the_line_of_its_member_or_of_the_nearest_one_there()
    {
        const string doc = "{\n  \"version\": \"v 1\",\n  \"rules\": [\n    { \"id\": \"a\" }\n  ]\n}";
        Assert.Equal(2, RuleSetFields.LineOf(doc, "$.version"));
        Assert.Equal(4, RuleSetFields.LineOf(doc, "$.rules[0].points"));
        Assert.Null(RuleSetFields.LineOf("{ not json", "$.version"));
    }
}
