using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Writing;

/// A correction (#19): the revocation of the fact it corrects and the corrected fact, appended together to
/// the corrected fact's stream in one atomic append — revocation first, so members lose the old points and
/// gain the new ones from one commit, and no reader ever sees both or neither. No new event type: scoring,
/// projections and evidence already know FactRevoked and every fact kind (docs/IMPORT.md "Amendment flow").
///
/// The corrected fact's id is the next version of the one it replaces (imp-… → imp-…~2 → imp-…~3), so the
/// same correction sent twice is one append, and an import finds the current version of a natural key.
public static class Amendments
{
    private const char VersionMark = '~';

    /// The id the correction of <paramref name="id"/> is recorded under.
    public static FactId NextVersion(FactId id) =>
        new(id.Value.LastIndexOf(VersionMark) is var at and > 0 && int.TryParse(id.Value.AsSpan(at + 1), out var n)
            ? $"{id.Value[..at]}{VersionMark}{n + 1}"
            : $"{id.Value}{VersionMark}2");

    /// The id of the revocation recorded with the correction <paramref name="replacement"/>.
    public static FactId RevocationOf(FactId replacement) => new($"{replacement.Value}{VersionMark}revokes");

    /// The fact kinds a secretary may correct (organisation, rules and calendar have operations of their own).
    public static bool Amendable(IFact fact) => fact is MeetingHeld or SuggestionSubmitted or SuggestionAssessed or GoldenIdeaSubmitted
        or GoldenIdeaAwarded or GoldenIdeaImplemented or VolunteerServiceLogged or ManualAdjustment;

    /// The members a fact concerned, in the order it names them; null for facts that cannot be revoked.
    public static IReadOnlyList<MemberId>? MembersOf(IFact fact) => fact switch
    {
        MeetingHeld m => [.. m.Attendance.Select(a => a.Member).Distinct()],
        SuggestionSubmitted s => [s.Member],
        SuggestionAssessed s => [s.Member],
        GoldenIdeaSubmitted g => [g.Member],
        GoldenIdeaAwarded g => [g.Member],
        GoldenIdeaImplemented g => [g.Member],
        VolunteerServiceLogged v => [v.Member],
        ManualAdjustment a => [a.Member],
        ActivityLogged a => [a.Member],
        MemberEnrolled or MemberTransferred or MemberLeft or MemberCategoryChanged or MemberStatusChanged => [((Domain.Members.IMemberEvent)fact).Member],
        _ => null,
    };

    /// The revocation recorded with a correction, for the members of the fact it corrects.
    public static FactRevoked Revocation(IFact target, IFact replacement, string reason, DateOnly on) =>
        new(RevocationOf(replacement.FactId), on, target.FactId, reason, MembersOf(target) ?? []);

    /// The write of a correction: <paramref name="replacement"/> with the revocation of <paramref name="target"/>.
    public static Draft Of(IFact target, IFact replacement, string reason, DateOnly on) =>
        Draft.Amending(replacement, Revocation(target, replacement, reason, on));

    /// 400 unless the fact is of a kind a secretary may correct.
    public static ApiProblem? NotAmendable(IFact fact, string field) => Amendable(fact) ? null
        : ApiProblem.Field(StatusCodes.Status400BadRequest, field, "not-amendable",
            $"{fact.GetType().Name} 类事实不能在此更正（组织、年度和规则另有操作）。",
            $"A {fact.GetType().Name} cannot be corrected here (the organisation, calendar and rules have operations of their own).");

    /// 409: the fact was revoked or corrected already; corrections go to its current version.
    public static ApiProblem AlreadyRevoked(FactId target, string field) => ApiProblem.Field(StatusCodes.Status409Conflict, field, "already-revoked",
        $"记录 {target} 已被撤销或更正，不能再次更正；请在台账中打开它的现行版本。",
        $"The record {target} was revoked or corrected already; open its current version in the record list to correct it.");

    /// The target with <paramref name="changes"/> (fields as the fact stores them, any letter case) applied,
    /// recorded as its next version; the field errors when a change names no field of the fact or cannot be read.
    public static IFact? Patch(IFact target, JObject changes, JsonSerializerSettings settings, FieldErrors e)
    {
        var json = Json(JsonConvert.SerializeObject(target, settings));
        foreach (var change in changes.Properties())
        {
            var field = json.Properties().FirstOrDefault(p => string.Equals(p.Name, change.Name, StringComparison.OrdinalIgnoreCase));
            if (field is null || field.Name == nameof(IFact.FactId))
            {
                e.Add($"changes.{change.Name}", "unknown-field", $"记录没有可更正的字段 {change.Name}。", $"The record has no field {change.Name} that can be corrected.");
                continue;
            }
            field.Value = change.Value;
        }
        json[nameof(IFact.FactId)] = NextVersion(target.FactId).Value;
        if (e.Any) return null;
        try
        {
            return (IFact?)json.ToObject(target.GetType(), JsonSerializer.Create(settings));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidCastException)
        {
            e.Add("changes", "invalid-change", $"更正的内容无法读取：{ex.Message}", $"The changes cannot be read: {ex.Message}");
            return null;
        }
    }

    /// The fact recorded under another id (a natural key's next version).
    public static IFact WithId(IFact fact, FactId id, JsonSerializerSettings settings)
    {
        var json = Json(JsonConvert.SerializeObject(fact, settings));
        json[nameof(IFact.FactId)] = id.Value;
        return (IFact)json.ToObject(fact.GetType(), JsonSerializer.Create(settings))!;
    }

    /// What a correction changes, for a person: attendance line by line for a meeting, else field by field.
    public static string Describe(IFact was, IFact now, JsonSerializerSettings settings)
    {
        var changes = new List<string>();
        if (was is MeetingHeld a && now is MeetingHeld b)
        {
            var before = a.Attendance.GroupBy(x => x.Member).ToDictionary(g => g.Key, g => g.First().Status);
            var after = b.Attendance.Select(x => x.Member).ToHashSet();
            foreach (var line in b.Attendance)
                if (!before.TryGetValue(line.Member, out var old)) changes.Add($"member {line.Member} added as {ChineseNames.Of(line.Status)}");
                else if (old != line.Status) changes.Add($"member {line.Member} {ChineseNames.Of(old)} → {ChineseNames.Of(line.Status)}");
            foreach (var gone in before.Keys.Where(m => !after.Contains(m))) changes.Add($"member {gone} removed");
            was = a with { Attendance = b.Attendance };
        }
        var x = Json(JsonConvert.SerializeObject(was, settings));
        var y = Json(JsonConvert.SerializeObject(now, settings));
        foreach (var p in y.Properties().Where(p => p.Name != nameof(IFact.FactId) && !JToken.DeepEquals(p.Value, x[p.Name])))
            changes.Add($"{p.Name}: {x[p.Name]?.ToString(Formatting.None)} → {p.Value.ToString(Formatting.None)}");
        return changes.Count == 0 ? "no change" : string.Join("; ", changes);
    }

    /// Whether two facts say the same (compared as JSON, as the writer tells a retry from another request).
    public static bool SameContent(IFact a, IFact b) => a.GetType() == b.GetType()
        && JsonConvert.SerializeObject(a, Store.EventSerializer.Settings) == JsonConvert.SerializeObject(b, Store.EventSerializer.Settings);

    /// A JSON object read as the store reads events: dates and numbers kept as written.
    public static JObject Json(string text)
    {
        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        return JObject.Load(reader);
    }
}
