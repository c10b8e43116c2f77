using Newtonsoft.Json;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;
using PointsEngine.Store;

namespace PointsEngine.Engine.Scoring;

// The two events the ingest writes per scored activity (a member's copy of the fact and its award line;
// issue #7), and the meeting the dispatcher reads for every 40 of them, written and read without
// reflection or boxing. Property order is the general serializer's:
// a record's own properties first, then its base record's. Identifiers and points are plain strings
// (their TypeConverters), dates yyyy-MM-dd, enums by name.

internal sealed class AttendanceRecordedCodec : EventCodec<AttendanceRecorded>
{
    private const int BranchBit = 1, MeetingBit = 2, ModeBit = 4, StatusBit = 8, FactBit = 16, DateBit = 32, MemberBit = 64, All = 127;

    public AttendanceRecordedCodec() : base("Branch", "Meeting", "Mode", "Status", "FactId", "OccurredOn", "Member") { }

    protected override bool TryWrite(JsonWriter writer, AttendanceRecorded e)
    {
        if (!IsDefined(e.Meeting) || !IsDefined(e.Mode) || !IsDefined(e.Status)) return false;
        writer.WriteStartObject();
        Property(writer, "Branch", e.Branch.Value);
        Property(writer, "Meeting", e.Meeting);
        Property(writer, "Mode", e.Mode);
        Property(writer, "Status", e.Status);
        Property(writer, "FactId", e.FactId.Value);
        Property(writer, "OccurredOn", e.OccurredOn);
        Property(writer, "Member", e.Member.Value);
        writer.WriteEndObject();
        return true;
    }

    private struct Fields
    {
        public string Branch, FactId, Member;
        public MeetingKind Meeting;
        public MeetingMode Mode;
        public AttendanceStatus Status;
        public DateOnly OccurredOn;
    }

    protected override AttendanceRecorded? Read(JsonReader reader)
    {
        var f = default(Fields);
        if (!ReadObject(reader, ref f, All, ReadProperty)) return null;
        return new AttendanceRecorded(new FactId(f.FactId), f.OccurredOn, new MemberId(f.Member), new BranchId(f.Branch), f.Meeting, f.Mode, f.Status);
    }

    private static int ReadProperty(JsonReader reader, string name, ref Fields f) => name switch
    {
        "Branch" => ReadString(reader, out f.Branch) ? BranchBit : 0,
        "Meeting" => ReadEnum(reader, out f.Meeting) ? MeetingBit : 0,
        "Mode" => ReadEnum(reader, out f.Mode) ? ModeBit : 0,
        "Status" => ReadEnum(reader, out f.Status) ? StatusBit : 0,
        "FactId" => ReadString(reader, out f.FactId) ? FactBit : 0,
        "OccurredOn" => ReadDate(reader, out f.OccurredOn) ? DateBit : 0,
        "Member" => ReadString(reader, out f.Member) ? MemberBit : 0,
        _ => 0,
    };
}

internal sealed class PointsAwardedCodec : EventCodec<PointsAwarded>
{
    private const int MemberBit = 1, AwardBit = 2, FactBit = 4, RuleBit = 8, VersionBit = 16, CategoryBit = 32, DateBit = 64,
        RequestedBit = 128, GrantedBit = 256, CapNoteBit = 512, CauseBit = 1024, All = 2047;

    public PointsAwardedCodec()
        : base("Member", "AwardId", "FactId", "Rule", "Version", "Category", "OccurredOn", "Requested", "Granted", "CapNote", "Cause") { }

    protected override bool TryWrite(JsonWriter writer, PointsAwarded e)
    {
        writer.WriteStartObject();
        Property(writer, "Member", e.Member.Value);
        Property(writer, "AwardId", e.AwardId);
        Property(writer, "FactId", e.FactId?.Value);
        Property(writer, "Rule", e.Rule.Value);
        Property(writer, "Version", e.Version.Value);
        Property(writer, "Category", e.Category);
        Property(writer, "OccurredOn", e.OccurredOn);
        Property(writer, "Requested", e.Requested.ToString());
        Property(writer, "Granted", e.Granted.ToString());
        Property(writer, "CapNote", e.CapNote);
        Property(writer, "Cause", e.Cause);
        writer.WriteEndObject();
        return true;
    }

    private struct Fields
    {
        public string Member, AwardId, Rule, Version, Category, Requested, Granted, Cause;
        public string? FactId, CapNote;
        public DateOnly OccurredOn;
    }

    protected override PointsAwarded? Read(JsonReader reader)
    {
        var f = default(Fields);
        if (!ReadObject(reader, ref f, All, ReadProperty)) return null;
        return new PointsAwarded(new MemberId(f.Member), f.AwardId, f.FactId is { } fact ? new FactId(fact) : null, new RuleId(f.Rule),
            new RuleSetVersion(f.Version), f.Category, f.OccurredOn, Points.Parse(f.Requested), Points.Parse(f.Granted), f.CapNote, f.Cause);
    }

    private static int ReadProperty(JsonReader reader, string name, ref Fields f) => name switch
    {
        "Member" => ReadString(reader, out f.Member) ? MemberBit : 0,
        "AwardId" => ReadString(reader, out f.AwardId) ? AwardBit : 0,
        "FactId" => ReadNullableString(reader, out f.FactId) ? FactBit : 0,
        "Rule" => ReadString(reader, out f.Rule) ? RuleBit : 0,
        "Version" => ReadString(reader, out f.Version) ? VersionBit : 0,
        "Category" => ReadString(reader, out f.Category) ? CategoryBit : 0,
        "OccurredOn" => ReadDate(reader, out f.OccurredOn) ? DateBit : 0,
        "Requested" => ReadString(reader, out f.Requested) ? RequestedBit : 0,
        "Granted" => ReadString(reader, out f.Granted) ? GrantedBit : 0,
        "CapNote" => ReadNullableString(reader, out f.CapNote) ? CapNoteBit : 0,
        "Cause" => ReadString(reader, out f.Cause) ? CauseBit : 0,
        _ => 0,
    };
}

internal sealed class MeetingHeldCodec : EventCodec<MeetingHeld>
{
    private const int FactBit = 1, DateBit = 2, BranchBit = 4, GroupBit = 8, KindBit = 16, ModeBit = 32, TopicBit = 64, AttendanceBit = 128,
        All = 255;
    private const int EntryMemberBit = 1, EntryStatusBit = 2, EntryAll = 3;

    public MeetingHeldCodec()
        : base("FactId", "OccurredOn", "Branch", "Group", "Kind", "Mode", "Topic", "Attendance", "Member", "Status") { }

    protected override bool TryWrite(JsonWriter writer, MeetingHeld e)
    {
        // A null list or entry, or a value outside an enum, is written by the general serializer.
        if (!IsDefined(e.Kind) || !IsDefined(e.Mode) || e.Attendance is null) return false;
        foreach (var entry in e.Attendance)
            if (entry is null || !IsDefined(entry.Status)) return false;
        writer.WriteStartObject();
        Property(writer, "FactId", e.FactId.Value);
        Property(writer, "OccurredOn", e.OccurredOn);
        Property(writer, "Branch", e.Branch.Value);
        Property(writer, "Group", e.Group?.Value);
        Property(writer, "Kind", e.Kind);
        Property(writer, "Mode", e.Mode);
        Property(writer, "Topic", e.Topic);
        writer.WritePropertyName("Attendance", escape: false);
        writer.WriteStartArray();
        foreach (var entry in e.Attendance)
        {
            writer.WriteStartObject();
            Property(writer, "Member", entry.Member.Value);
            Property(writer, "Status", entry.Status);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        return true;
    }

    private struct Fields
    {
        public string FactId, Branch, Topic;
        public string? Group;
        public DateOnly OccurredOn;
        public MeetingKind Kind;
        public MeetingMode Mode;
        public List<AttendanceEntry> Attendance;
    }

    private struct Entry
    {
        public string Member;
        public AttendanceStatus Status;
    }

    protected override MeetingHeld? Read(JsonReader reader)
    {
        var f = default(Fields);
        if (!ReadObject(reader, ref f, All, ReadProperty)) return null;
        return new MeetingHeld(new FactId(f.FactId), f.OccurredOn, new BranchId(f.Branch), f.Group is { } g ? new PartyGroupId(g) : null,
            f.Kind, f.Mode, f.Topic, f.Attendance.AsReadOnly());
    }

    private static int ReadProperty(JsonReader reader, string name, ref Fields f) => name switch
    {
        "FactId" => ReadString(reader, out f.FactId) ? FactBit : 0,
        "OccurredOn" => ReadDate(reader, out f.OccurredOn) ? DateBit : 0,
        "Branch" => ReadString(reader, out f.Branch) ? BranchBit : 0,
        "Group" => ReadNullableString(reader, out f.Group) ? GroupBit : 0,
        "Kind" => ReadEnum(reader, out f.Kind) ? KindBit : 0,
        "Mode" => ReadEnum(reader, out f.Mode) ? ModeBit : 0,
        "Topic" => ReadString(reader, out f.Topic) ? TopicBit : 0,
        "Attendance" => ReadAttendance(reader, out f.Attendance) ? AttendanceBit : 0,
        _ => 0,
    };

    // Into a List, handed out as a ReadOnlyCollection: what the general serializer gives for an IReadOnlyList.
    private static bool ReadAttendance(JsonReader reader, out List<AttendanceEntry> attendance)
    {
        attendance = [];
        if (!reader.Read() || reader.TokenType != JsonToken.StartArray) return false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonToken.EndArray) return true;
            var entry = default(Entry);
            if (reader.TokenType != JsonToken.StartObject || !ReadProperties(reader, ref entry, EntryAll, ReadEntryProperty)) return false;
            attendance.Add(new AttendanceEntry(new MemberId(entry.Member), entry.Status));
        }
        return false;
    }

    private static int ReadEntryProperty(JsonReader reader, string name, ref Entry e) => name switch
    {
        "Member" => ReadString(reader, out e.Member) ? EntryMemberBit : 0,
        "Status" => ReadEnum(reader, out e.Status) ? EntryStatusBit : 0,
        _ => 0,
    };
}
