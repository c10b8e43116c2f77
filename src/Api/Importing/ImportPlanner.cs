using Newtonsoft.Json;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Importing;

/// Turns ledger rows into facts and checks them as the API does (FactChecks, FactConsistency against the
/// organisation directory), against the organisation as the rows before them leave it: a fact row may name
/// a member the roster in the same import enrols. Each row becomes new facts, "already recorded", or a
/// rejection with every reason found.
public sealed partial class ImportPlanner(OrganisationSnapshot snapshot, RecordedFacts recorded, EventSerializer serializer, string operatorName, DateOnly today)
{
    private OrganisationSnapshot _org = snapshot;
    private readonly Dictionary<FactId, LedgerRow> _seen = [];
    private long _virtualRevision = 1L << 40;
    private readonly List<string> _amendments = [];

    /// `import --amend`: a row whose natural key was recorded with other content is recorded as its
    /// correction (the recorded version revoked, the row's recorded, in one append) instead of refused (#19).
    public bool Amend { get; init; }

    public async Task<ImportPlan> PlanAsync(IReadOnlyList<(LedgerSource Source, IReadOnlyList<LedgerRow> Rows)> sheets, Action progress, CancellationToken ct)
    {
        var plan = new ImportPlan(_org.RevisionOf(FactStreams.Organisation));
        // The roster first, whatever the order of the files: facts may name the members it enrols.
        foreach (var (_, rows) in sheets.Where(s => s.Source.Kind == LedgerKind.Roster))
            foreach (var row in rows)
            {
                PlanRoster(row, plan);
                plan.Rows++;
                progress();
            }
        var lines = new List<AttendanceLine>();
        foreach (var (_, rows) in sheets.Where(s => s.Source.Kind == LedgerKind.Facts))
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                await PlanFactAsync(row, plan, lines, ct).ConfigureAwait(false);
                plan.Rows++;
                progress();
            }
        await PlanMeetingsAsync(lines, plan, ct).ConfigureAwait(false);
        plan.Amendments.AddRange(_amendments);
        return plan;
    }

    private OrganisationSnapshot Apply(OrganisationSnapshot org, IFact fact) =>
        org.Apply(fact, new FactLocation(FactStreams.Organisation, new StreamRevision(++_virtualRevision), new LogPosition(_virtualRevision)), RuleSetDocument.Parse);

    /// The API's checks of one fact against the organisation, as problems on the row's columns.
    private void Check(RowReader r, IFact fact, OrganisationSnapshot org, Func<string, string, LedgerColumn?> columnOf)
    {
        foreach (var p in FactChecks.Problems(fact))
            r.Problem(columnOf(FieldOfCheck(p.Code), p.Code), p.Code, p.Chinese, p.English);
        if (FactConsistency.Check(fact, org, today) is { Errors: { } errors })
            foreach (var (field, list) in errors)
                foreach (var e in list)
                    r.Problem(columnOf(field, e.Code), e.Code, e.Zh, e.En);
    }

    // FactChecks names problems by code; the fact field each is about (as FactWriter maps them).
    private static string FieldOfCheck(string code) => code switch
    {
        "empty-attendance" or "duplicate-attendance" => "attendance",
        "invalid-hours" => "hours",
        "zero-adjustment" => "points",
        "missing-reason" => "reason",
        "missing-approver" => "approver",
        _ => "$",
    };

    private string Canonical(IFact fact) => JsonConvert.SerializeObject(fact, serializer.SerializerSettings);

    /// Whether an already recorded fact is this row's: equal, or equal but for a reviewer the row left empty
    /// (defaulted to the operator, who may differ between runs).
    private bool Same(IFact recordedFact, IFact fact, bool reviewerDefaulted)
    {
        if (recordedFact.GetType() != fact.GetType()) return false;
        if (Canonical(recordedFact) == Canonical(fact)) return true;
        if (!reviewerDefaulted) return false;
        IFact adopted = (recordedFact, fact) switch
        {
            (SuggestionAssessed was, SuggestionAssessed now) => now with { Assessor = was.Assessor },
            (GoldenIdeaAwarded was, GoldenIdeaAwarded now) => now with { Panel = was.Panel },
            (VolunteerServiceLogged was, VolunteerServiceLogged now) => now with { Verifier = was.Verifier },
            _ => fact,
        };
        return Canonical(recordedFact) == Canonical(adopted);
    }

    /// Facts (of one stream) a row stands for: the ones not recorded yet, or null with the row rejected
    /// when another row of this import has the same key. Under a key recorded before (#19, problem 3), the
    /// current version counts: the same content is already recorded; a revoked one is recorded again (as the
    /// next version); other content is a correction — recorded with --amend (revocation and the row's fact in
    /// one append), else offered and the row refused, naming what would change. A meeting's rows add to or
    /// change the attendance on record; members the file does not list stay.
    private async Task<List<IFact>?> NewFactsAsync(RowReader r, IReadOnlyList<IFact> facts, bool reviewerDefaulted, CancellationToken ct)
    {
        var fresh = new List<IFact>();
        foreach (var fact in facts)
        {
            if (_seen.TryGetValue(fact.FactId, out var earlier))
            {
                r.Problem(null, "duplicate-row", $"与第 {earlier.Number} 行是同一条记录（重复）", $"the same record as row {earlier.Number} (a duplicate)",
                    cites: earlier.Source == r.Row.Source ? earlier.Number : null);
                return null;
            }
            var found = await recorded.CurrentAsync(FactStreams.For(fact), fact.FactId, ct).ConfigureAwait(false);
            // #19: a fact recorded under another id (a meeting entered on the page) is found by its natural key,
            // when the row stands for that one fact (a suggestion with its assessment keeps the import's ids).
            if (found is null && facts.Count == 1 && await recorded.RecordedOtherwiseAsync(fact, ct).ConfigureAwait(false) is { } otherwise)
                found = (otherwise, false);
            if (found is not { } on)
            {
                fresh.Add(fact);
                continue;
            }
            var (current, revoked) = on;
            var row = current is MeetingHeld held && fact is MeetingHeld listed ? WithAttendanceOf(held, listed) : fact;
            var next = Amendments.WithId(row, Amendments.NextVersion(current.FactId), serializer.SerializerSettings);
            if (revoked) fresh.Add(next);
            else if (!Same(current, Amendments.WithId(row, current.FactId, serializer.SerializerSettings), reviewerDefaulted))
            {
                var change = $"{current.FactId} : {Amendments.Describe(current, next, serializer.SerializerSettings)}";
                if (!Amend)
                {
                    _amendments.Add($"would amend {change}");
                    r.Problem(null, "recorded-differently",
                        $"同一条记录已登记但内容不同（将更正 {change}）；确认更正请加 --amend 重新导入（原记录撤销、本行登记，一次完成）",
                        $"this record was recorded with other content (would amend {change}); import again with --amend to record the correction (the recorded one revoked, this row recorded, at once)");
                    return null;
                }
                _amendments.Add($"amends {change}");
                fresh.Add(Amendments.Revocation(current, next, $"导入更正 import correction: {r.Row.Source.Where} 第 {r.Row.Number} 行（{operatorName}）", today));
                fresh.Add(next);
            }
        }
        foreach (var fact in facts) _seen[fact.FactId] = r.Row;
        return fresh;
    }

    /// The meeting on record with the attendance the rows give: their members' statuses, the rest as recorded.
    private static MeetingHeld WithAttendanceOf(MeetingHeld recorded, MeetingHeld rows)
    {
        var given = rows.Attendance.GroupBy(a => a.Member).ToDictionary(g => g.Key, g => g.First());
        return rows with
        {
            Attendance = [.. recorded.Attendance.Select(a => given.GetValueOrDefault(a.Member) ?? a),
                .. rows.Attendance.Where(a => !recorded.Attendance.Any(x => x.Member == a.Member))],
        };
    }

    private static void Add(ImportPlan plan, List<WriteUnit> units, IReadOnlyList<LedgerRow> rows, IReadOnlyList<IFact> fresh)
    {
        if (fresh.Count == 0) plan.AlreadyRecorded += rows.Count;
        else units.Add(new WriteUnit(rows, FactStreams.For(fresh.Last(f => f is not FactRevoked)), fresh));
    }
}
