using System.Net;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Tests;

/// POST /api/rules/simulate over the half year of Support/BranchYear.cs: what a draft would do, with
/// nothing written (issue #5).
[Collection(BranchYearFixture.Collection)]
public sealed class when_a_draft_rule_set_is_simulated(BranchYearFixture fixture)
{
    private ApiHost Api => fixture.Api;

    /// The shipped rule set with a new version and the given edits.
    private static string Draft(string version, Action<JObject> edit)
    {
        var document = JObject.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        document["version"] = version;
        edit(document);
        return document.ToString();
    }

    private static void DoubleAttendance(JObject d)
    {
        foreach (var rule in d["rules"]!.Where(r => ((string)r["id"]!).StartsWith("attend.", StringComparison.Ordinal)))
            rule["points"] = (decimal)rule["points"]! * 2;
    }

    private async Task<Answer> SimulateAsync(string draft, int year = 2025) =>
        (await Api.Admin.PostRawAsync($"/api/rules/simulate?year={year}", draft, null)).ShouldBe(HttpStatusCode.OK);

    private static Dictionary<string, (decimal Current, decimal Simulated, decimal Change)> Totals(Answer a) =>
        ((JArray)a.Body["members"]!).ToDictionary(m => (string)m["member"]!, m => ((decimal)m["current"]!, (decimal)m["simulated"]!, (decimal)m["change"]!));

    [Fact]
    public async Task doubling_attendance_points_changes_exactly_the_hand_computed_totals_and_writes_nothing()
    {
        var head = await Api.HeadAsync();

        var result = await SimulateAsync(Draft("draft-double-attendance", DoubleAttendance));

        // Each present member gains the meetings' points once more: a1 two meetings (+10), a2, a3, a4 one (+5).
        Assert.Equal(new Dictionary<string, (decimal, decimal, decimal)>
        {
            ["a1"] = (74, 84, 10), ["a2"] = (70, 75, 5), ["a3"] = (64, 69, 5), ["a4"] = (70, 75, 5), ["c1"] = (60, 60, 0),
        }, Totals(result));
        Assert.Equal(4, (int)result.Body["membersChanged"]!);
        var a1 = ((JArray)result.Body["members"]!).Single(m => (string)m["member"]! == "a1");
        Assert.Equal([("attendance", 10m), ("base", 0m)], ((JArray)a1["byCategory"]!).Select(c => ((string)c["category"]!, (decimal)c["change"]!)));
        Assert.Equal(head, await Api.HeadAsync());
        // The read models still show the published rules' totals.
        Assert.Equal(74m, (decimal)(await Api.Admin.GetJsonAsync("/api/members/a1/standing?year=2025")).Body["total"]!);
    }

    /// #20: the preview highlights the members whose year-end grade the draft changes, so the simulation says which.
    [Fact]
    public async Task raising_the_qualified_band_to_72_changes_the_grade_of_exactly_the_members_at_70()
    {
        var result = await SimulateAsync(Draft("draft-grades", d => d["appraisal"]!["grades"]![1]!["minScore"] = 72));

        // Totals a1 74, a2 70, a3 64, a4 70, c1 60 (no democratic appraisal: the final score is the total); 合格 from 70 → 72.
        var grades = ((JArray)result.Body["members"]!).ToDictionary(m => (string)m["member"]!, m => ((string?)m["currentGrade"], (string?)m["simulatedGrade"], (bool)m["gradeChanged"]!));
        Assert.Equal(new Dictionary<string, (string?, string?, bool)>
        {
            ["a1"] = ("合格", "合格", false), ["a2"] = ("合格", "基本合格", true), ["a3"] = ("基本合格", "基本合格", false),
            ["a4"] = ("合格", "基本合格", true), ["c1"] = ("基本合格", "基本合格", false),
        }, grades);
        Assert.Equal((2, 0), ((int)result.Body["gradesChanged"]!, (int)result.Body["membersChanged"]!));
    }

    [Fact]
    public async Task the_draft_takes_effect_from_its_effective_date_like_a_real_publication()
    {
        var result = await SimulateAsync(Draft("draft-from-april", d =>
        {
            d["effectiveFrom"] = "2025-04-01";
            DoubleAttendance(d);
        }));

        // Only the 04-10 党课 falls under the draft: a1 and a3 were present.
        Assert.Equal(new Dictionary<string, (decimal, decimal, decimal)>
        {
            ["a1"] = (74, 79, 5), ["a2"] = (70, 70, 0), ["a3"] = (64, 69, 5), ["a4"] = (70, 70, 0), ["c1"] = (60, 60, 0),
        }, Totals(result));
        Assert.Equal("2025-04-01", result["effectiveFrom"]);
    }

    [Fact]
    public async Task the_rankings_show_each_members_rank_before_and_after_and_the_change()
    {
        var result = await SimulateAsync(Draft("draft-suggestions", d => d["rules"]!.Single(r => (string)r["id"]! == "suggestion")["levels"]!["有价值"] = 20));

        var b1 = ((JArray)result.Body["rankings"]!).Single(r => (string?)r["scopeId"] == "b1");
        Assert.Equal("Branch", (string)b1["scope"]!);
        Assert.Equal("第一党支部", (string)b1["name"]!);
        // a2 and a4: 60 + 5 + 2 + 20 = 87 and move up to share first place; a1 (74) falls from 1 to 3.
        Assert.Equal([("a2", 2, 1, 1), ("a4", 2, 1, 1), ("a1", 1, 3, -2), ("a3", 4, 4, 0)], ((JArray)b1["rows"]!)
            .Select(r => ((string)r["member"]!, (int)r["currentRank"]!, (int)r["simulatedRank"]!, (int)r["rankChange"]!)));
        var organisation = ((JArray)result.Body["rankings"]!).Single(r => (string)r["scope"]! == "Organisation");
        Assert.Equal(5, ((JArray)organisation["rows"]!).Count);
        Assert.Contains(((JArray)result.Body["rankings"]!), r => (string?)r["scopeId"] == "b2");
    }

    [Fact]
    public async Task a_draft_equal_to_the_published_rules_reproduces_the_read_models_totals()
    {
        var result = await SimulateAsync(PointsEngine.TestSupport.TypicalRules.Document());

        var ranking = (await Api.Admin.GetJsonAsync("/api/rankings?scope=organisation&period=2025")).ShouldBe(HttpStatusCode.OK);
        var projected = ((JArray)ranking.Body["rows"]!).ToDictionary(r => (string)r["member"]!, r => (decimal)r["points"]!);
        var totals = Totals(result);
        Assert.Equal(projected, totals.ToDictionary(t => t.Key, t => t.Value.Current));
        Assert.Equal(projected, totals.ToDictionary(t => t.Key, t => t.Value.Simulated));
        Assert.Equal(0, (int)result.Body["membersChanged"]!);
    }

    [Fact]
    public async Task an_invalid_draft_or_year_is_a_400_naming_where_and_nothing_is_written()
    {
        var head = await Api.HeadAsync();

        var invalid = (await Api.Admin.PostRawAsync("/api/rules/simulate?year=2025", Draft("bad", d => d["baseScore"] = "sixty"), null))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains(((JObject)invalid.Body["errors"]!).Properties(), p => p.Name.Contains("baseScore", StringComparison.Ordinal));
        (await Api.Admin.PostRawAsync("/api/rules/simulate?year=next", PointsEngine.TestSupport.TypicalRules.Document(), null))
            .ShouldBeProblem(HttpStatusCode.BadRequest).ErrorsFor("year");
        (await Api.Admin.PostRawAsync("/api/rules/simulate", PointsEngine.TestSupport.TypicalRules.Document(), null, "text/plain"))
            .ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(head, await Api.HeadAsync());
    }
}
