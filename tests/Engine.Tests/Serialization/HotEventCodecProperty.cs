using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json.Linq;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Serialization;

/// The hand-written codecs of the two events written per scored activity and of the meeting routed to
/// them (issue #7) are only a faster
/// route to the same text: the general serializer (Newtonsoft, by reflection) is the reference. They
/// write exactly its text, read their own text back to the same event, and read any text — reordered,
/// incomplete, mistyped, with extra content — exactly as the general serializer reads it (or fail alike).
public sealed class hot_event_codecs
{
    private static readonly EventSerializer Fast = DomainSerializer.Create();
    private static readonly EventSerializer General = DomainSerializer.CreateGeneral();
    private const int Cases = 500;

    // Identifiers: what Identifier.Validate lets through, including quotes, backslashes, Chinese, emoji
    // (surrogate pairs), lone surrogates and the longest allowed.
    private static readonly Gen<char> IdChar = Gen.OneOf(
        Gen.Elements("abcxyz019-_./|:".ToCharArray()),
        Gen.Elements('"', '\\', '\'', '<', '>', '&', '会', '议', '岗', '\ud800', '\udfff', 'é'),
        Gen.Choose(0x21, 0xfffd).Select(i => (char)i).Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)));

    private static readonly Gen<string> Id = Gen.OneOf(
        Gen.Choose(1, 24).SelectMany(n => Gen.ArrayOf(IdChar, n)).Select(cs => new string(cs)),
        Gen.Elements("b003-m00303", "meeting-0003023", "attend.theme-day", "default-2025.1", "👍", new string('岗', 128)));

    // Free text (award ids, categories, causes, cap notes): anything, control characters and U+2028 included.
    private static readonly Gen<string> Text = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
        Gen.Elements("", "fact meeting-0003023 recorded", "上限已满 cap reached", "line\nbreak\t\u2028\u0085\0", "\"quoted\" \\ back"));

    private static readonly Gen<DateOnly> Date = Gen.OneOf(
        Gen.Choose(0, DateOnly.MaxValue.DayNumber).Select(DateOnly.FromDayNumber),
        Gen.Choose(0, 3000).Select(d => new DateOnly(2024, 1, 1).AddDays(d)));

    // Two decimal places within the limit; scales of 0–2 digits (3, 3.1, 3.10) as values are built.
    private static readonly Gen<Points> PointsGen = Gen.OneOf(
        Gen.Choose(-100_000_000, 100_000_000).Select(c => new Points(c / 100m)),
        Gen.Choose(-1000, 1000).Select(n => new Points(n)),
        Gen.Elements(new Points(3.10m), new Points(-0.50m), new Points(0.00m), new Points(1_000_000m), new Points(-1_000_000m)));

    // Mostly named values; now and then one outside the enum (StringEnumConverter writes its number).
    private static Gen<T> Enum<T>() where T : struct, System.Enum => Gen.Frequency(
        (9, Gen.Elements(System.Enum.GetValues<T>())),
        (1, Gen.Choose(-3, 40).Select(i => (T)(object)i)));

    private static readonly Gen<AttendanceRecorded> Attendance =
        from fact in Id
        from date in Date
        from member in Id
        from branch in Id
        from meeting in Enum<MeetingKind>()
        from mode in Enum<MeetingMode>()
        from status in Enum<AttendanceStatus>()
        select new AttendanceRecorded(new FactId(fact), date, new MemberId(member), new BranchId(branch), meeting, mode, status);

    private static readonly Gen<PointsAwarded> Award =
        from member in Id
        from awardId in Text
        from fact in Gen.OneOf(Id.Select(i => (FactId?)new FactId(i)), Gen.Constant((FactId?)null))
        from rule in Id
        from version in Id
        from category in Text
        from date in Date
        from requested in PointsGen
        from granted in PointsGen
        from capNote in Gen.OneOf(Text.Select(t => (string?)t), Gen.Constant((string?)null))
        from cause in Text
        select new PointsAwarded(new MemberId(member), awardId, fact, new RuleId(rule), new RuleSetVersion(version), category, date,
            requested, granted, capNote, cause);

    // Now and then a null entry or a null list (the general serializer writes null; the codec leaves those to it).
    private static readonly Gen<AttendanceEntry> Entry = Gen.Frequency(
        (30, from member in Id from status in Enum<AttendanceStatus>() select new AttendanceEntry(new MemberId(member), status)),
        (1, Gen.Constant<AttendanceEntry>(null!)));

    private static readonly Gen<MeetingHeld> Meeting =
        from fact in Id
        from date in Date
        from branch in Id
        from grp in Gen.OneOf(Id.Select(i => (PartyGroupId?)new PartyGroupId(i)), Gen.Constant((PartyGroupId?)null))
        from kind in Enum<MeetingKind>()
        from mode in Enum<MeetingMode>()
        from topic in Text
        from attendance in Gen.Frequency(
            (30, Gen.Choose(0, 45).SelectMany(n => Gen.ListOf(Entry, n)).Select(l => (IReadOnlyList<AttendanceEntry>)[.. l])),
            (1, Gen.Constant<IReadOnlyList<AttendanceEntry>>(null!)))
        select new MeetingHeld(new FactId(fact), date, new BranchId(branch), grp, kind, mode, topic, attendance);

    private static readonly Gen<object> HotEvent = Gen.OneOf(
        Attendance.Select(a => (object)a), Award.Select(a => (object)a), Meeting.Select(m => (object)m));

    [Fact]
    public void write_exactly_the_text_the_general_serializer_writes()
    {
        PropertyRuns.Check(Prop.ForAll(HotEvent.ToArbitrary(), e =>
            Assert.Equal(General.Serialize(e), Fast.Serialize(e))), Cases);
    }

    [Fact]
    public void read_their_text_back_to_the_same_event()
    {
        PropertyRuns.Check(Prop.ForAll(HotEvent.ToArbitrary(), e =>
        {
            var type = Fast.StoredNameOf(e.GetType());
            var text = Fast.Serialize(e);
            Same(e, Fast.Deserialize(type, text), sameListType: false);
            Same(General.Deserialize(type, text), Fast.Deserialize(type, text), sameListType: true);
        }), Cases);
    }

    [Fact]
    public void read_any_text_as_the_general_serializer_reads_it()
    {
        var cases = HotEvent.SelectMany(e => Gen.ListOf(Mutation).Select(ms => (e, ms)));
        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var type = Fast.StoredNameOf(c.e.GetType());
            var text = General.Serialize(c.e);
            foreach (var mutate in c.ms) text = mutate(text);
            var expected = Outcome(() => General.Deserialize(type, text));
            var actual = Outcome(() => Fast.Deserialize(type, text));
            Assert.Equal(expected, actual);
        }), Cases);
    }

    [Fact]
    public void events_already_stored_read_back_unchanged()
    {
        // As the engine has written them (copied from a database of the load benchmark).
        const string attendance = """{"Branch":"b003","Meeting":"ThemePartyDay","Mode":"InPerson","Status":"Late","FactId":"meeting-0003023","OccurredOn":"2025-02-07","Member":"b003-m00301"}""";
        const string award = """{"Member":"b003-m00301","AwardId":"meeting-0003023/late","FactId":"meeting-0003023","Rule":"late","Version":"default-2025.1","Category":"deduction","OccurredOn":"2025-02-07","Requested":"-1","Granted":"-1","CapNote":null,"Cause":"fact meeting-0003023 recorded"}""";

        var a = Assert.IsType<AttendanceRecorded>(Fast.Deserialize("V1.AttendanceRecorded", attendance));
        Assert.Equal(new AttendanceRecorded(new FactId("meeting-0003023"), new DateOnly(2025, 2, 7), new MemberId("b003-m00301"),
            new BranchId("b003"), MeetingKind.ThemePartyDay, MeetingMode.InPerson, AttendanceStatus.Late), a);
        Assert.Equal(attendance, Fast.Serialize(a));

        var p = Assert.IsType<PointsAwarded>(Fast.Deserialize("V1.PointsAwarded", award));
        Assert.Equal(new PointsAwarded(new MemberId("b003-m00301"), "meeting-0003023/late", new FactId("meeting-0003023"), new RuleId("late"),
            new RuleSetVersion("default-2025.1"), "deduction", new DateOnly(2025, 2, 7), new Points(-1), new Points(-1), null,
            "fact meeting-0003023 recorded"), p);
        Assert.Equal(award, Fast.Serialize(p));
    }

    [Fact]
    public void an_invalid_identifier_in_stored_data_still_fails_loudly()
    {
        const string award = """{"Member":"has space","AwardId":"a","FactId":null,"Rule":"r","Version":"v","Category":"c","OccurredOn":"2025-02-07","Requested":"1","Granted":"1","CapNote":null,"Cause":"c"}""";
        Assert.ThrowsAny<Exception>(() => Fast.Deserialize("V1.PointsAwarded", award));
    }

    // Records holding a list compare it by reference: a meeting is compared by its written form and the
    // list's type (the general serializer reads the attendance into a ReadOnlyCollection).
    private static void Same(object expected, object actual, bool sameListType)
    {
        if (expected is MeetingHeld m)
        {
            var read = Assert.IsType<MeetingHeld>(actual);
            Assert.Equal(General.Serialize(m), General.Serialize(read));
            if (sameListType) Assert.Equal(m.Attendance?.GetType(), read.Attendance?.GetType());
            return;
        }
        Assert.Equal(expected, actual);
    }

    // What reading gave: the event's canonical text, or the kind of error.
    private static string Outcome(Func<object> read)
    {
        try
        {
            var e = read();
            return $"ok {(e as MeetingHeld)?.Attendance?.GetType()} {General.Serialize(e)}";
        }
        catch (Exception e)
        {
            return "error " + e.GetType().Name;
        }
    }

    // Changes a stored text may have gone through: other property orders, names in another case, values
    // of another JSON type, properties missing, repeated or unknown, whitespace, text after the object.
    private static readonly Gen<Func<string, string>> Mutation = Gen.OneOf(
        Gen.Choose(0, 1000).Select(seed => (Func<string, string>)(t => Reorder(t, seed))),
        Gen.Choose(0, 20).Select(i => OnProperty(i, (o, p) => p.Remove())),
        Gen.Choose(0, 20).Select(i => Repeat(i, name => name)),
        Gen.Choose(0, 20).Select(i => Repeat(i, name => name.ToLowerInvariant())),
        Gen.Choose(0, 20).Select(i => OnProperty(i, (o, p) => p.Replace(new JProperty(p.Name.ToUpperInvariant(), p.Value)))),
        from i in Gen.Choose(0, 20)
        from value in Gen.Elements<JToken>(JValue.CreateNull(), new JValue(3), new JValue(2.5), new JValue(true), new JValue("x"),
            new JValue("2025-02-07T00:00:00"), new JValue("3.50"), new JValue("Present"), new JValue("present"), new JValue("1"),
            new JValue(""), new JArray(), new JObject())
        select OnProperty(i, (o, p) => p.Value = value.DeepClone()),
        Gen.Elements<Func<string, string>>(
            t => t.Replace("{", "{ \n").Replace(",", " ,\t"),
            t => t + "  ",
            t => t + " {}",
            t => t + "/* note */",
            t => t[..^1] + ",\"Extra\":1}",
            t => t[..^1] + ",\"Member\":\"m-2\"}",
            t => t[..^1],
            t => "[" + t + "]",
            t => t.Replace("{\"Member\":", "{\"Extra\":0,\"Member\":"),
            t => t.Replace(",\"Status\":\"Late\"}", "}"),
            t => t.Replace("\"Status\":\"Absent\"", "\"Status\":2"),
            t => t.Replace("\"Status\":\"Excused\"", "\"status\":\"Excused\""),
            t => t.Replace("[{", "[null,{"),
            t => System.Text.RegularExpressions.Regex.Replace(t, "\\{(\"Member\":\"[^\"]*\"),(\"Status\":\"[^\"]*\")\\}", "{$2,$1}"),
            t => "null"));

    private static string Reorder(string text, int seed)
    {
        if (!TryParse(text, out var o)) return text;
        var random = new Random(seed);
        var shuffled = o.Properties().Select(p => new JProperty(p.Name, p.Value)).OrderBy(_ => random.Next()).ToList();
        return new JObject(shuffled).ToString(Newtonsoft.Json.Formatting.None);
    }

    // Changes the index-th property (modulo their number) of the text's object.
    private static Func<string, string> OnProperty(int index, Action<JObject, JProperty> change) => text =>
    {
        if (!TryParse(text, out var o) || !o.HasValues) return text;
        var properties = o.Properties().ToList();
        try
        {
            change(o, properties[index % properties.Count]);
        }
        catch (ArgumentException)
        {
            return text; // the renamed property exists already
        }
        return o.ToString(Newtonsoft.Json.Formatting.None);
    };

    // Appends a copy of the index-th property, renamed, after the others (a JObject cannot hold two alike).
    private static Func<string, string> Repeat(int index, Func<string, string> rename) => text =>
    {
        if (!TryParse(text, out var o) || !o.HasValues) return text;
        var properties = o.Properties().ToList();
        var p = properties[index % properties.Count];
        return text.TrimEnd()[..^1] + "," + new JProperty(rename(p.Name), p.Value).ToString(Newtonsoft.Json.Formatting.None) + "}";
    };

    private static bool TryParse(string text, out JObject o)
    {
        o = null!;
        try
        {
            // Dates stay strings, as the store's settings read them.
            using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(text)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
            if (JToken.ReadFrom(reader) is not JObject parsed || reader.Read()) return false;
            o = parsed;
            return true;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return false;
        }
    }
}
