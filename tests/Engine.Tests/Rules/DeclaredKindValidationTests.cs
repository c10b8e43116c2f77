using PointsEngine.Domain.Rules;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Engine.Tests.Rules;

/// #22: a rule set declares activity kinds; each mistake in a declaration, or in a rule that scores one, is reported with
/// its JSON path and the reason in English and Chinese (the shape the rule-set editor shows beside each field).
public sealed class when_a_declared_kind_has_mistakes
{
    private const string Broken = """
        {
          "version": "kinds-broken",
          "effectiveFrom": "2025-01-01",
          "categories": [ { "id": "study" } ],
          "kinds": [
            { "id": "training", "name": "参加培训", "fields": [
                { "id": "days", "name": "天数", "type": "number" },
                { "id": "level", "name": "级别", "type": "level" },
                { "id": "days", "name": "重复", "type": "text" },
                { "id": "hours", "name": "时长", "type": "number", "unit": "weeks" },
                { "id": "note", "name": "备注", "type": "colour" }
              ], "recordedBy": [ "secretary", "anyone" ] },
            { "id": "training", "name": "重复的类别" },
            { "id": "attendance", "name": "内置事实" },
            { "id": "article", "fields": [ { "id": "award", "name": "获奖", "type": "yesNo", "unit": "days" } ] }
          ],
          "rules": [
            { "id": "r0", "category": "study", "fact": "activity", "points": 1 },
            { "id": "r1", "category": "study", "fact": "activity", "kind": "lecture", "points": 1 },
            { "id": "r2", "category": "study", "fact": "attendance", "kind": "training", "points": 1 },
            { "id": "r3", "category": "study", "fact": "activity", "kind": "training", "bands": [ { "from": 7, "to": 30, "points": 2 }, { "from": 20, "points": 3 } ] },
            { "id": "r4", "category": "study", "fact": "activity", "kind": "training", "bands": [ { "from": 30, "to": 7, "points": 2 } ], "field": "note" },
            { "id": "r5", "category": "study", "fact": "activity", "kind": "training", "levels": { "国家级": 3 }, "field": "level" },
            { "id": "r6", "category": "study", "fact": "activity", "kind": "training", "points": 3, "when": { "flags": [ "days", "missing" ] } },
            { "id": "r7", "category": "study", "fact": "volunteerService", "bands": [ { "from": 1, "points": 1 } ] },
            { "id": "kind-withdrawn", "category": "study", "fact": "adjustment", "asRecorded": true }
          ]
        }
        """;

    private readonly IReadOnlyList<RuleSetProblem> _problems = RuleSetDocument.Validate(Broken).Problems;

    [Theory]
    [InlineData("$.kinds[0].fields[0].unit", "a number field states its unit", "数量字段须写明单位")]
    [InlineData("$.kinds[0].fields[1].levels", "a level field lists its levels", "等级字段须列出等级")]
    [InlineData("$.kinds[0].fields", "id 'days' is used more than once", "重复")]
    [InlineData("$.kinds[0].fields[3].unit", "'weeks' must be one of", "单位 'weeks' 无效")]
    [InlineData("$.kinds[0].fields[4].type", "must be level, number, yesNo or text", "必须是 level（等级）")]
    [InlineData("$.kinds[0].recordedBy[1]", "must be secretary or member", "党员申报")]
    [InlineData("$.kinds", "id 'training' is used more than once", "重复")]
    [InlineData("$.kinds[2].id", "is a built-in fact", "内置事实")]
    [InlineData("$.kinds[3].name", "is required", "必填")]
    [InlineData("$.kinds[3].fields[0].unit", "applies to number fields only", "仅适用于数量字段")]
    [InlineData("$.rules[0].kind", "is required", "必填")]
    [InlineData("$.rules[1].kind", "'lecture' is not declared in $.kinds", "未在 kinds 中声明")]
    [InlineData("$.rules[2].kind", "applies to rules of fact \"activity\" only", "仅适用于 fact 为 activity 的规则")]
    [InlineData("$.rules[3].bands[1]", "overlaps band 0", "重叠")]
    [InlineData("$.rules[4].bands[0].to", "must not be less than from", "不能小于 from")]
    [InlineData("$.rules[4].field", "'note' is not a field of kind 'training'", "不是活动类别 'training' 的字段")]
    [InlineData("$.rules[5].levels.国家级", "is not a declared level of field 'level'", "不是字段 'level' 声明的等级")]
    [InlineData("$.rules[6].when.flags[0]", "'days' is not a yes/no field", "不是是否字段")]
    [InlineData("$.rules[6].when.flags[1]", "'missing' is not a field of kind 'training'", "不是活动类别 'training' 的字段")]
    [InlineData("$.rules[7].bands", "applies to declared activity facts only", "仅适用于声明的活动类别")]
    [InlineData("$.rules", "reserved for records of a kind no longer declared", "保留给已停用活动类别的记录")]
    public void every_problem_names_its_path_in_english_and_chinese(string path, string english, string chinese)
    {
        Assert.Contains(_problems, p => p.Path == path && p.English.Contains(english, StringComparison.Ordinal) && p.Chinese.Contains(chinese, StringComparison.Ordinal));
    }

    [Fact]
    public void a_good_declaration_loads_with_its_fields_recorders_and_rules()
    {
        var set = RuleSetDocument.Parse("""
            {
              "version": "kinds-good", "effectiveFrom": "2025-01-01",
              "categories": [ { "id": "study", "caps": [ { "period": "year", "max": 20 } ] } ],
              "kinds": [ { "id": "training", "name": "参加培训", "recordedBy": [ "secretary", "member" ],
                           "fields": [ { "id": "days", "name": "天数", "type": "number", "unit": "天" },
                                       { "id": "cityAward", "name": "市级", "type": "yesNo", "required": false } ] } ],
              "rules": [ { "id": "t", "name": "培训", "category": "study", "fact": "activity", "kind": "training",
                           "bands": [ { "from": 7, "to": 30, "points": 2 }, { "from": 60, "points": 3 } ] },
                         { "id": "t.city", "category": "study", "fact": "activity", "kind": "training", "when": { "flags": [ "cityAward" ] }, "points": 3 } ]
            }
            """);
        var kind = Assert.Single(set.Kinds);
        Assert.Equal([ActivityRecorder.Secretary, ActivityRecorder.Member], kind.RecordedBy);
        Assert.Equal(ActivityUnit.Days, kind.Field("days")!.Unit);
        Assert.False(kind.Field("cityAward")!.Required);
        var bands = set.Rules[0];
        Assert.Equal(("training", "days", PointsBasis.Bands), (bands.Activity, bands.Field, bands.Basis));
        Assert.Equal([new Band(7, 30, 2), new Band(60, null, 3)], bands.Bands);
        Assert.Equal(["cityAward"], set.Rules[1].When.Flags!);
    }
}
