using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json.Linq;
using PointsEngine.Engine.Rules;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Rules;

/// Whatever number in a valid document is spoiled, the problem names exactly its JSON path.
public sealed class when_any_number_in_a_rule_set_is_spoiled
{
    private static readonly string[] Documents =
    [
        PointsEngine.TestSupport.TypicalRules.Document(),
        Fixtures.Read("meetings-yearly-caps.json"),
        Fixtures.Read("three-meetings-one-lecture.json"),
        Fixtures.Read("volunteer-two-hours.json"),
        Fixtures.Read("base-60-floor-0.json"),
    ];

    [Fact]
    public void the_problem_names_the_path_of_that_number()
    {
        var leaves =
            from document in Documents
            let root = JToken.Parse(document)
            from leaf in root.SelectTokens("$..*").Where(t => t.Type is JTokenType.Integer or JTokenType.Float)
            select (document, leaf.Path);
        var cases = Gen.Elements(leaves.ToArray());

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var root = JToken.Parse(c.document);
            root.SelectToken(c.Path)!.Replace(new JValue("many"));

            var problems = RuleSetDocument.Validate(root.ToString()).Problems;

            Assert.Contains(problems, p => p.Path == "$." + c.Path && p.English == "must be a number" && p.Chinese == "必须是数字");
        }), 300);
    }

    [Fact]
    public void every_shipped_document_is_valid()
    {
        Assert.All(Documents, d => Assert.Empty(RuleSetDocument.Validate(d).Problems));
    }
}
