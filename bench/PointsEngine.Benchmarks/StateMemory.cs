using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Benchmarks;

/// Bytes of heap per member state (MemberState alone, no actor around it), the way the engine builds it:
/// members enrolled, then 40 meetings of their 40-member party group read back from JSON (so ids are fresh
/// strings, as when the dispatcher reads the log), routed, decided and evolved. "replayed" folds each
/// member's own stream read back from JSON (recovery without a snapshot). Run with `-- --state-memory`.
public static class StateMemory
{
    private static readonly AttendanceStatus[] Statuses =
        [AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present,
         AttendanceStatus.Late, AttendanceStatus.Excused, AttendanceStatus.Present, AttendanceStatus.Absent];

    private static readonly MeetingKind[] Kinds =
        [MeetingKind.PartyGroupMeeting, MeetingKind.ThemePartyDay, MeetingKind.GeneralMeeting, MeetingKind.PartyLecture, MeetingKind.BranchCommittee];

    public static void Run(int groups = 50, int meetings = 40)
    {
        var serializer = DomainSerializer.Create();
        var book = RuleBook.Of(RuleSetDocument.Default());
        var stored = StoredStreams(groups, meetings, serializer, book);
        var withoutStates = SettledHeap();
        var states = LiveStates(groups, meetings, serializer, book);
        var withLive = SettledHeap();
        var liveBytes = (withLive - withoutStates) / (double)states.Length;

        var replayed = new MemberState[states.Length];
        for (var i = 0; i < stored.Length; i++)
            replayed[i] = MemberScoring.Rebuild(states[i].Member, stored[i].Select(d => (IMemberEvent)serializer.Deserialize(d.Type, d.Data)));
        var withReplayed = SettledHeap();
        var replayedBytes = (withReplayed - withLive) / (double)states.Length;
        for (var i = 0; i < states.Length; i++)
            if (!states[i].Equals(replayed[i])) throw new InvalidOperationException($"replayed state {i} differs from the live one");

        Console.WriteLine($"member states: {states.Length:N0} members, {states[0].FactsIn(2025).Length} facts each in 2025, {stored[0].Length} events in each stream");
        var lines = states[0].LinesIn(2025);
        Console.WriteLine($"  ledger lines in 2025: {lines.Count}, with a cap note: {lines.Count(l => l.CapNote is not null)} " +
                          $"({lines.Sum(l => l.CapNote?.Length ?? 0)} chars)");
        Console.WriteLine($"  live (decided and evolved): {liveBytes:N0} bytes per member state");
        Console.WriteLine($"  replayed from JSON:         {replayedBytes:N0} bytes per member state");
        GC.KeepAlive(states);
        GC.KeepAlive(replayed);
        GC.KeepAlive(stored);
    }

    // Separate frames, so the half of Build's result not wanted is not kept alive by a stack slot.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static EventData[][] StoredStreams(int groups, int meetings, EventSerializer serializer, RuleBook book) =>
        Build(groups, meetings, serializer, book).Stored;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static MemberState[] LiveStates(int groups, int meetings, EventSerializer serializer, RuleBook book) =>
        Build(groups, meetings, serializer, book).States;

    private static (MemberState[] States, EventData[][] Stored) Build(int groups, int meetings, EventSerializer serializer, RuleBook book)
    {
        var branch = new BranchId("b000");
        var states = new MemberState[groups * 40];
        var streams = new List<IMemberEvent>[states.Length];
        for (var g = 0; g < groups; g++)
        {
            for (var j = 0; j < 40; j++)
            {
                var i = g * 40 + j;
                var m = new MemberId($"b000-m{i:00000}");
                states[i] = MemberScoring.Initial(m);
                streams[i] = [];
                Apply(ref states[i], streams[i], new RecordMembership(new MemberEnrolled(new FactId($"enrol-{m.Value}"), new DateOnly(2024, 12, 1), m,
                    $"党员{i}", branch, null, j % 10 == 9 ? MemberStatus.Probationary : MemberStatus.Full,
                    j % 20 == 19 ? MemberCategory.Mobile : MemberCategory.Regular)), book);
            }
            for (var k = 0; k < meetings; k++)
            {
                var meeting = new MeetingHeld(new FactId($"meeting-{g:000}-{k:0000}"), new DateOnly(2025, 1, 2).AddDays(k * 3 % 360), branch, null,
                    Kinds[k % Kinds.Length], MeetingMode.InPerson, "学习贯彻",
                    [.. Enumerable.Range(0, 40).Select(j => new AttendanceEntry(new MemberId($"b000-m{g * 40 + j:00000}"), Statuses[(k + j) % Statuses.Length]))]);
                var data = serializer.ToEventData(Guid.NewGuid(), meeting, DomainHotPaths.Metadata);
                var read = (MeetingHeld)serializer.Deserialize(data.Type, data.Data);
                var commands = FactRouting.Route(read);
                for (var j = 0; j < commands.Count; j++) Apply(ref states[g * 40 + j], streams[g * 40 + j], commands[j], book);
            }
        }
        return (states, [.. streams.Select(s => s.Select(e => serializer.ToEventData(Guid.NewGuid(), e, DomainHotPaths.Metadata)).ToArray())]);
    }

    private static void Apply(ref MemberState state, List<IMemberEvent> stream, MemberCommand command, RuleBook book)
    {
        if (MemberScoring.Decide(state, command, book, OrganisationCalendar.AllOpen) is not Accepted accepted) return;
        foreach (var e in accepted.Events)
        {
            state = MemberScoring.Evolve(state, e);
            stream.Add(e);
        }
    }

    private static long SettledHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
