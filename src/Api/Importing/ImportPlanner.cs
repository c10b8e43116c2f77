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
    /// when one under the same key was recorded differently or another row of this import has the same key.
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
            if (await recorded.FindAsync(FactStreams.For(fact), fact.FactId, ct).ConfigureAwait(false) is { } existing)
            {
                if (!Same(existing, fact, reviewerDefaulted))
                {
                    r.Problem(null, "recorded-differently",
                        $"同一条记录（{fact.FactId}）已导入但内容不同；已登记的事实不能修改，如需更正请先撤销原记录",
                        $"this record ({fact.FactId}) was imported before with different content; recorded facts are never edited: revoke it first to correct it");
                    return null;
                }
            }
            else fresh.Add(fact);
        }
        foreach (var fact in facts) _seen[fact.FactId] = r.Row;
        return fresh;
    }

    private static void Add(ImportPlan plan, List<WriteUnit> units, IReadOnlyList<LedgerRow> rows, IReadOnlyList<IFact> fresh)
    {
        if (fresh.Count == 0) plan.AlreadyRecorded += rows.Count;
        else units.Add(new WriteUnit(rows, FactStreams.For(fresh[0]), fresh));
    }
}
