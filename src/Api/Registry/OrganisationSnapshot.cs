using System.Collections.Immutable;
using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Store;

namespace PointsEngine.Api.Registry;

public sealed record BranchEntry(BranchId Id, string Name, NetworkZoneId? Zone);

public sealed record PartyGroupEntry(PartyGroupId Id, BranchId Branch, string Name);

/// From <see cref="From"/> the member belonged to <see cref="Branch"/>, by the enrolment or transfer <see cref="Cause"/>.
public sealed record BranchSpell(DateOnly From, BranchId Branch, FactId Cause);

/// <see cref="LatestChangeOn"/>: the date of the member's latest organisation change (enrolment, transfer,
/// departure, category or status change), which a secretary's change may not be dated before (#16 finding 2.4).
public sealed record MemberEntry(
    MemberId Id, string Name, BranchId Branch, PartyGroupId? Group, MemberStatus Status, MemberCategory Category, DateOnly? LeftOn,
    ImmutableList<BranchSpell> BranchHistory, DateOnly LatestChangeOn)
{
    /// The member's place as the domain judges a secretary's reach over them.
    public MemberPlacement Placement => new([.. BranchHistory.Select(s => (s.From, s.Branch))], LeftOn, LatestChangeOn);

    /// The branch the member belonged to on <paramref name="date"/> (their first branch before enrolment):
    /// a back-dated meeting is checked against the roster of its own day, not today's. A transfer asks
    /// where the member was <paramref name="ignoring"/> itself, so a retried transfer builds the same fact.
    public BranchId BranchOn(DateOnly date, FactId? ignoring = null)
    {
        var branch = BranchHistory[0].Branch;
        foreach (var spell in BranchHistory)
        {
            if (spell.From > date) break;
            if (spell.Cause != ignoring) branch = spell.Branch;
        }
        return branch;
    }

    public bool HasLeftBy(DateOnly date) => LeftOn is { } left && left < date;
}

/// Where a fact of the organisation, calendar or rules streams was written.
public sealed record FactLocation(StreamName Stream, StreamRevision Revision, LogPosition Position);

/// The organisation as the write side checks requests against it: who is enrolled where, which years
/// are closed, which rule sets are published. Immutable: a request works on one consistent snapshot.
public sealed record OrganisationSnapshot(
    ImmutableDictionary<NetworkZoneId, string> Zones,
    ImmutableDictionary<BranchId, BranchEntry> Branches,
    ImmutableDictionary<PartyGroupId, PartyGroupEntry> Groups,
    ImmutableDictionary<MemberId, MemberEntry> Members,
    OrganisationCalendar Calendar,
    RuleBook Rules,
    ImmutableDictionary<RuleSetVersion, RuleSetPublished> RuleDocuments,
    ImmutableDictionary<FactId, FactLocation> Facts,
    ImmutableDictionary<StreamName, StreamRevision> Revisions,
    BranchSecretaries Secretaries)
{
    public static readonly OrganisationSnapshot Empty = new(
        ImmutableDictionary<NetworkZoneId, string>.Empty,
        ImmutableDictionary<BranchId, BranchEntry>.Empty,
        ImmutableDictionary<PartyGroupId, PartyGroupEntry>.Empty,
        ImmutableDictionary<MemberId, MemberEntry>.Empty,
        OrganisationCalendar.AllOpen,
        RuleBook.Empty,
        ImmutableDictionary<RuleSetVersion, RuleSetPublished>.Empty,
        ImmutableDictionary<FactId, FactLocation>.Empty,
        ImmutableDictionary<StreamName, StreamRevision>.Empty,
        BranchSecretaries.None);

    /// The branches the member keeps as secretary today, as the organisation's facts say (#18).
    public IReadOnlyList<BranchId> SecretaryOf(MemberId member, DateOnly today) =>
        Members.TryGetValue(member, out var entry) ? Secretaries.HeldBy(member, entry.Placement, today) : [];

    /// The stream's last revision this snapshot folded; null when it folded none.
    public StreamRevision? RevisionOf(StreamName stream) => Revisions.TryGetValue(stream, out var r) ? r : null;

    public OrganisationSnapshot Apply(IFact fact, FactLocation at, Func<RuleSetPublished, RuleSet> parseRuleSet)
    {
        var next = this with
        {
            Facts = Facts.SetItem(fact.FactId, at),
            Revisions = Revisions.SetItem(at.Stream, at.Revision),
        };
        return fact switch
        {
            NetworkZoneRegistered z => next with { Zones = Zones.SetItem(z.Zone, z.Name) },
            BranchRegistered b => next with { Branches = Branches.SetItem(b.Branch, new BranchEntry(b.Branch, b.Name, b.Zone)) },
            PartyGroupRegistered g => next with { Groups = Groups.SetItem(g.Group, new PartyGroupEntry(g.Group, g.Branch, g.Name)) },
            MemberEnrolled e => next with
            {
                Members = Members.SetItem(e.Member, new MemberEntry(e.Member, e.Name, e.Branch, e.Group, e.Status, e.Category, null, [new BranchSpell(e.OccurredOn, e.Branch, e.FactId)], e.OccurredOn)),
            },
            MemberTransferred t => next.WithMember(t.Member, m => m with
            {
                LatestChangeOn = Later(m.LatestChangeOn, t.OccurredOn),
                Branch = t.ToBranch,
                Group = t.ToGroup,
                BranchHistory = [.. m.BranchHistory.Add(new BranchSpell(t.OccurredOn, t.ToBranch, t.FactId)).OrderBy(h => h.From)],
            }),
            MemberLeft l => next.WithMember(l.Member, m => m with { LeftOn = l.OccurredOn, LatestChangeOn = Later(m.LatestChangeOn, l.OccurredOn) }),
            MemberCategoryChanged c => next.WithMember(c.Member, m => m with { Category = c.Category, LatestChangeOn = Later(m.LatestChangeOn, c.OccurredOn) }),
            MemberStatusChanged s => next.WithMember(s.Member, m => m with { Status = s.Status, LatestChangeOn = Later(m.LatestChangeOn, s.OccurredOn) }),
            BranchSecretaryAppointed or BranchSecretaryRelieved => next with { Secretaries = Secretaries.Evolve(fact) },
            YearClosed or YearReopened => next with { Calendar = OrganisationCalendar.Evolve(Calendar, fact) },
            RuleSetPublished p => next.WithRuleSet(p, parseRuleSet),
            _ => next,
        };
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;

    private OrganisationSnapshot WithMember(MemberId id, Func<MemberEntry, MemberEntry> change) =>
        Members.TryGetValue(id, out var member) ? this with { Members = Members.SetItem(id, change(member)) } : this;

    private OrganisationSnapshot WithRuleSet(RuleSetPublished published, Func<RuleSetPublished, RuleSet> parse)
    {
        try
        {
            return this with
            {
                Rules = Rules.With(parse(published)),
                RuleDocuments = RuleDocuments.SetItem(published.Version, published),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return this; // validated before publishing; one that still fails is skipped, as the scoring router does
        }
    }
}
