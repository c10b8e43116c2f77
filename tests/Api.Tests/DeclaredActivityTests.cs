using System.Net;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// #22: activities of the kinds a published rule set declares, recorded through one endpoint and checked against the
/// declaration in force on the fact's date; the evidence names the declared rule on every line.
public sealed class when_a_branch_records_activities_of_declared_kinds : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        (await _api.Admin.PostRawAsync("/api/rules", RealSchemes.Document(RealSchemes.Waiban), "rules-waiban")).ShouldBe(HttpStatusCode.Created);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Task<Answer> Record(object body, string? key = null) => _api.Admin.PostJsonAsync("/api/activities?wait=true", body, key);

    [Fact]
    public async Task each_item_of_the_scheme_is_recorded_scored_and_explained_by_its_declared_rule()
    {
        (await Record(new { member = "m-01", kind = "training", occurredOn = "2025-03-05", values = new { days = new { value = 21, unit = "天" } } })).ShouldBe(HttpStatusCode.Created);
        (await Record(new { member = "m-01", kind = "article", occurredOn = "2025-04-10", values = new { title = "学习心得", cityAward = true } })).ShouldBe(HttpStatusCode.Created);
        (await Record(new { member = "m-01", kind = "micro-lecture", occurredOn = "2025-06-15", values = new { form = "微党课" } })).ShouldBe(HttpStatusCode.Created);
        (await Record(new { member = "m-01", kind = "invited-lecture", occurredOn = "2025-10-12", values = new { topic = "外事工作中的党建" } })).ShouldBe(HttpStatusCode.Created);

        var e = (await _api.Admin.GetJsonAsync("/api/members/m-01/evidence?year=2025")).ShouldBe(HttpStatusCode.OK);
        var lines = ((JArray)e.Body["lines"]!).Cast<JObject>().Where(l => (string?)l["rule"] != "base").ToList();
        Assert.Equal(
        [
            ("training", 2m, "参加培训 每次 +1，1 周至 1 个月 +2，2 个月以上 +3"),
            ("article", 3m, "撰写理论文章、心得体会 +3"),
            ("article.city-award", 3m, "文章获市级及以上表彰 再 +3"),
            ("micro-lecture", 3m, "微宣讲、微党课、微讨论、微读书 +3"),
            ("invited-lecture", 5m, "受邀外出讲课、作报告 +5"),
        ], lines.Select(l => ((string)l["rule"]!, (decimal)l["granted"]!, (string)l["explanation"]!["rule"]!)));
        Assert.Contains("参加上级机关或党校组织的理论或党务培训：培训天数 21 天", (string)lines[0]["explanation"]!["happened"]!);
        Assert.Contains("获市级及以上表彰 是", (string)lines[1]["fact"]!["summary"]!);
        Assert.Equal(60m + 2 + 3 + 3 + 3 + 5, (decimal)e.Body["total"]!);
    }

    [Fact]
    public async Task a_draft_that_changes_or_drops_a_declared_kind_is_simulated_with_nothing_written()
    {
        (await Record(new { member = "m-01", kind = "training", occurredOn = "2025-05-20", values = new { days = 21 } })).ShouldBe(HttpStatusCode.Created);
        var head = await _api.HeadAsync();

        async Task<decimal> Change(Action<JObject> edit)
        {
            var draft = JObject.Parse(RealSchemes.Document(RealSchemes.Waiban));
            draft["version"] = "waiban-draft";
            edit(draft);
            var answer = (await _api.Admin.PostRawAsync("/api/rules/simulate?year=2025", draft.ToString(), null)).ShouldBe(HttpStatusCode.OK);
            return (decimal)((JArray)answer.Body["members"]!).Single(m => (string)m["member"]! == "m-01")["change"]!;
        }

        // 7–59 days now +4 instead of +2.
        Assert.Equal(2m, await Change(d => d["rules"]!.Single(r => (string)r["id"]! == "training")["bands"]![1]!["points"] = 4));
        // The kind is no longer declared: the record scores 0.
        Assert.Equal(-2m, await Change(d =>
        {
            ((JArray)d["kinds"]!).Single(k => (string)k["id"]! == "training").Remove();
            ((JArray)d["rules"]!).Single(r => (string)r["id"]! == "training").Remove();
        }));
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Theory]
    [InlineData("""{ "member": "m-01", "kind": "lecture", "occurredOn": "2025-03-05", "values": { "days": 3 } }""", "kind", "unknown-kind")]
    [InlineData("""{ "member": "m-01", "kind": "training", "occurredOn": "2025-03-05", "values": { } }""", "values.days", "required")]
    [InlineData("""{ "member": "m-01", "kind": "training", "occurredOn": "2025-03-05", "values": { "days": { "value": 3, "unit": "小时" } } }""", "values.days", "wrong-unit")]
    [InlineData("""{ "member": "m-01", "kind": "training", "occurredOn": "2025-03-05", "values": { "days": "三天" } }""", "values.days", "not-a-number")]
    [InlineData("""{ "member": "m-01", "kind": "micro-lecture", "occurredOn": "2025-03-05", "values": { "form": "微视频" } }""", "values.form", "unknown-level")]
    [InlineData("""{ "member": "m-01", "kind": "article", "occurredOn": "2025-03-05", "values": { "title": "心得", "cityAward": "是" } }""", "values.cityAward", "not-yes-no")]
    [InlineData("""{ "member": "m-01", "kind": "article", "occurredOn": "2025-03-05", "values": { "title": "心得", "colour": "红" } }""", "values.colour", "unknown-field")]
    [InlineData("""{ "member": "m-01", "kind": "training", "occurredOn": "2023-03-05", "values": { "days": 3 } }""", "occurredOn", "no-rule-set")]
    public async Task a_record_that_does_not_fit_the_declaration_is_400_naming_the_field_and_writes_nothing(string json, string field, string code)
    {
        var head = await _api.HeadAsync();
        var answer = (await _api.Admin.PostRawAsync("/api/activities", json, $"bad-{field}-{code}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        var error = Assert.Single(answer.ErrorsFor(field));
        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrEmpty((string?)error["zh"]));
        Assert.False(string.IsNullOrEmpty((string?)error["en"]));
        Assert.Equal(head, await _api.HeadAsync());
    }
}
