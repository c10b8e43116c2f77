using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PointsEngine.Engine.Rules;

/// The common fields of a rule-set document (version, name, effective date, base score, each rule's points,
/// the caps, the grade bands' minimum scores) as form fields named by their JSON path, exactly as
/// <see cref="RuleSetDocument.Validate"/> names a problem, so each problem can be shown beside its field (#20).
/// Everything else is edited as JSON: the fields are found in whatever document is given and nothing else is
/// assumed about its shape, so members the validator learns later (declared activity kinds, #22) pass through.
public static class RuleSetFields
{
    public enum Kind { Text, Number, Date, OptionalNumber }

    /// One editable value: where it is (the validator's path), what a person calls it, its text now.
    public sealed record Field(string Path, string Section, string Label, Kind Kind, string Value);

    /// The fields of a document, or none when it is not a JSON object.
    public static IReadOnlyList<Field> Of(string json) => Parse(json) is { } root ? [.. Find(root).Select(f => f.Field)] : [];

    /// The document with the posted values put in place of the fields' values (numbers written as numbers when
    /// they read as one, otherwise as the text, which the validator then reports at the field's path; an empty
    /// cap bound is removed). Paths that name no field of the document are returned, unchanged text and all.
    public static (string Json, IReadOnlyList<string> Unknown) Apply(string json, IEnumerable<KeyValuePair<string, string?>> posted)
    {
        if (Parse(json) is not { } root) return (json, [.. posted.Select(p => p.Key)]);
        var fields = Find(root).ToDictionary(f => f.Field.Path, StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (path, raw) in posted)
        {
            if (!fields.TryGetValue(path, out var f)) { unknown.Add(path); continue; }
            var text = (raw ?? "").Trim();
            if (f.Field.Kind == Kind.OptionalNumber && text.Length == 0) { f.Token.Parent?.Remove(); continue; }
            f.Token.Replace(f.Field.Kind is Kind.Number or Kind.OptionalNumber ? Number(text) : new JValue(text));
        }
        return (root.ToString(Formatting.Indented), unknown);
    }

    /// The line of the document a problem's path points at (the nearest member that is there), for the JSON editor.
    public static int? LineOf(string json, string path)
    {
        if (Load(json) is not { } root) return null;
        for (var p = path; p.Length > 1; p = Parent(p))
        {
            JToken? t;
            try { t = root.SelectToken(p); }
            catch (JsonException) { t = null; }
            if (t is IJsonLineInfo info && info.HasLineInfo()) return t.Parent is JProperty prop && ((IJsonLineInfo)prop).HasLineInfo() ? ((IJsonLineInfo)prop).LineNumber : info.LineNumber;
        }
        return null;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "$" : path[..cut];
    }

    private static JObject? Parse(string json) => Load(json) as JObject;

    // Dates and decimals as written: "2026-01-01" stays a string, 0.1 a decimal.
    private static JToken? Load(string json)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
            var token = JToken.Load(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load });
            return reader.Read() ? null : token;
        }
        catch (JsonReaderException) { return null; }
    }

    private static JValue Number(string text) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            ? d == decimal.Truncate(d) && Math.Abs(d) < long.MaxValue ? new JValue((long)d) : new JValue(d)
            : new JValue(text);

    private sealed record Found(Field Field, JToken Token);

    private static IEnumerable<Found> Find(JObject root)
    {
        const string Basics = "基本信息";
        foreach (var (name, label, kind) in new[] { ("version", "版本号", Kind.Text), ("name", "名称", Kind.Text), ("effectiveFrom", "生效日期", Kind.Date), ("baseScore", "基础分", Kind.Number) })
            if (root[name] is JValue v) yield return New(v, Basics, label, kind);
        if (root["total"] is JObject total)
            foreach (var c in Caps(total, "总分", Basics)) yield return c;
        if (root["categories"] is JArray categories)
            foreach (var category in categories.OfType<JObject>())
                foreach (var c in Caps(category, NameOf(category), "类别上限")) yield return c;
        if (root["rules"] is JArray rules)
            foreach (var rule in rules.OfType<JObject>())
            {
                var name = NameOf(rule);
                if (rule["points"] is JValue p) yield return New(p, "规则", $"「{name}」分值", Kind.Number);
                if (rule["perUnit"] is JValue u) yield return New(u, "规则", $"「{name}」每小时分值", Kind.Number);
                if (rule["levels"] is JObject levels)
                    foreach (var level in levels.Properties())
                        if (level.Value is JValue lv) yield return New(lv, "规则", $"「{name}」{level.Name}分值", Kind.Number);
                foreach (var c in Caps(rule, name, "规则")) yield return c;
            }
        if (root["bonuses"] is JArray bonuses)
            foreach (var bonus in bonuses.OfType<JObject>())
                if (bonus["points"] is JValue p) yield return New(p, "全勤奖", $"「{NameOf(bonus)}」奖励分", Kind.Number);
        if (root["appraisal"] is JObject { } appraisal && appraisal["grades"] is JArray grades)
            foreach (var grade in grades.OfType<JObject>())
                if (grade["minScore"] is JValue m) yield return New(m, "年终等级", $"等级「{NameOf(grade)}」最低分", Kind.Number);
    }

    private static IEnumerable<Found> Caps(JObject owner, string ownerName, string section)
    {
        if (owner["caps"] is not JArray caps) yield break;
        foreach (var cap in caps.OfType<JObject>())
        {
            var period = (cap["period"] as JValue)?.Value as string;
            var every = period?.ToLowerInvariant() switch { "month" or "月" => "每月", "quarter" or "季度" => "每季度", "year" or "年" => "每年", _ => "" };
            foreach (var (bound, word) in new[] { ("max", "上限"), ("min", "下限") })
                if (cap[bound] is JValue v) yield return New(v, section, $"「{ownerName}」{every}{word}", Kind.OptionalNumber);
        }
    }

    private static string NameOf(JObject o) => (o["name"] as JValue)?.Value as string ?? (o["id"] as JValue)?.Value as string ?? "?";

    private static Found New(JValue token, string section, string label, Kind kind) =>
        new(new Field("$." + token.Path, section, label, kind, Text(token)), token);

    private static string Text(JValue v) => v.Value switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var o => o.ToString() ?? "",
    };
}
