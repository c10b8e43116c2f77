using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Load.Support;

/// Member streams exactly as the member actors would write them, decided by the pure domain in this
/// process and appended straight to the store: a way to grow the organisation to many members faster
/// than through the actors (used to build logs for queries at scale, not to measure ingest).
public sealed class PureMembers(IEventStore store)
{
    private readonly RuleBook _rules = RuleBook.Of(RuleSetDocument.Default());
    private readonly EventSerializer _serializer = DomainSerializer.Create();
    private static readonly EventMetadata Metadata = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "secretary-1");

    /// Members <paramref name="from"/>..<paramref name="to"/> (500 per branch), each enrolled with
    /// <paramref name="meetings"/> attendances in 2025.
    public async Task AddAsync(int from, int to, int meetings, int concurrency = 64)
    {
        using var slots = new SemaphoreSlim(concurrency);
        var pending = new List<Task>();
        for (var i = from; i < to; i++)
        {
            await slots.WaitAsync();
            var events = Decide(i, meetings);
            pending.Add(AppendAsync(i, events).ContinueWith(t => { slots.Release(); return t; }, TaskScheduler.Default).Unwrap());
            if (pending.Count > 4 * concurrency) { await Task.WhenAll(pending); pending.Clear(); }
        }
        await Task.WhenAll(pending);
    }

    private Task AppendAsync(int i, List<IMemberEvent> events)
    {
        var member = MemberOf(i);
        var data = events.Select(e => _serializer.ToEventData(Guid.NewGuid(), e, Metadata)).ToArray();
        return store.AppendToStreamAsync(FactStreams.Member(member), ExpectedRevision.NoStream, data);
    }

    private static MemberId MemberOf(int i) => Workload.Member(i / 500, i % 500);

    private List<IMemberEvent> Decide(int i, int meetings)
    {
        var member = MemberOf(i);
        var branch = Workload.Branch(i / 500);
        var state = MemberScoring.Initial(member);
        var all = new List<IMemberEvent>();
        void Apply(MemberCommand command)
        {
            if (MemberScoring.Decide(state, command, _rules, OrganisationCalendar.AllOpen) is not Accepted a) return;
            foreach (var e in a.Events) state = MemberScoring.Evolve(state, e);
            all.AddRange(a.Events);
        }
        Apply(new RecordMembership(new MemberEnrolled(new FactId($"enrol-{member.Value}"), new DateOnly(2024, 12, 1), member, $"党员{i}", branch, null,
            MemberStatus.Full, MemberCategory.Regular)));
        for (var k = 0; k < meetings; k++)
        {
            // Statuses vary by member, so the totals (and the ranking) differ.
            var status = (i + k) % 5 == 0 ? AttendanceStatus.Absent : (i * 7 + k) % 3 == 0 ? AttendanceStatus.Late : AttendanceStatus.Present;
            Apply(new ScoreFact(new AttendanceRecorded(new FactId($"scale-meeting-{i / 40}-{k}"), new DateOnly(2025, 1 + k % 12, 10), member, branch,
                MeetingKind.PartyGroupMeeting, MeetingMode.InPerson, status)));
        }
        return all;
    }
}
