using System.Collections.Immutable;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Standings;

public sealed partial class StandingsProjection
{
    /// A membership period: from a date to the day before the next change, in one branch (and party group)
    /// with one status and category. Only periods in a branch are kept: before enrolment and after leaving
    /// the member belongs to no ranking.
    public sealed record MemberPeriod(DateOnly From, DateOnly To, BranchId Branch, PartyGroupId? Group, MemberStatus Status, MemberCategory Category);

    /// The periods the domain's own profile gives (the same rules the scoring uses: changes in date
    /// order, revoked changes ignored), so rankings attribute points exactly as scoring saw the member.
    public static IReadOnlyList<MemberPeriod> PeriodsOf(MemberProfile profile, ImmutableHashSet<FactId> revoked)
    {
        var dates = profile.Changes
            .OfType<Domain.Facts.IFact>()
            .Where(c => !revoked.Contains(c.FactId))
            .Select(c => c.OccurredOn)
            .Distinct()
            .Order()
            .ToList();
        var periods = new List<MemberPeriod>(dates.Count);
        for (var i = 0; i < dates.Count; i++)
        {
            var on = profile.On(dates[i], revoked);
            if (!on.Enrolled || on.Left || on.Branch is not { } branch) continue;
            var to = i + 1 < dates.Count ? dates[i + 1].AddDays(-1) : DateOnly.MaxValue;
            periods.Add(new MemberPeriod(dates[i], to, branch, on.Group, on.Status, on.Category));
        }
        return periods;
    }

    // The member's recorded changes and revoked targets, as the queries read them too.
    internal const string ChangesOfMember = "SELECT type, data FROM {p}member_changes WHERE member = @m";
    internal const string RevokedOfMember = "SELECT target FROM {p}member_revocations WHERE member = @m";

    /// The member's changes folded into the domain's profile (MemberProfile orders them by date itself).
    internal static MemberProfile ProfileOf(EventSerializer serializer, IEnumerable<(string Type, string Data)> changes)
    {
        var profile = MemberProfile.Unknown;
        foreach (var (type, data) in changes)
            if (serializer.Deserialize(type, data) is IMemberEvent change) profile = profile.With(change);
        return profile;
    }

    private async Task RecomputePeriodsAsync(ProjectionWriter w, string member, CancellationToken ct)
    {
        var changes = await w.QueryAsync(ChangesOfMember, r => (r.GetString(0), r.GetString(1)), ct, ("@m", member)).ConfigureAwait(false);
        var revoked = await w.QueryAsync(RevokedOfMember, r => new FactId(r.GetString(0)), ct, ("@m", member)).ConfigureAwait(false);
        var profile = ProfileOf(serializer, changes);
        var stored = await w.QueryAsync("""
            SELECT valid_from, valid_to, branch, grp, status, category, name FROM {p}member_periods WHERE member = @m
            """, r => (Period: new MemberPeriod(Sql.Date(r, 0), Sql.Date(r, 1), new BranchId(r.GetString(2)), Sql.Text(r, 3) is { } g ? new PartyGroupId(g) : null,
                Enum.Parse<MemberStatus>(r.GetString(4)), Enum.Parse<MemberCategory>(r.GetString(5))), Name: Sql.Text(r, 6)), ct, ("@m", member)).ConfigureAwait(false);
        var before = stored.Select(p => p.Period).ToList();
        var after = PeriodsOf(profile, [.. revoked]);
        // The name as the members table holds it (the latest enrolment in log order), written beside every period.
        var name = (await w.QueryAsync("SELECT name FROM {p}members WHERE member = @m", r => Sql.Text(r, 0), ct, ("@m", member)).ConfigureAwait(false))
            .FirstOrDefault();

        // Every branch the member's changes name, revoked or not: a superset of the branches any date can
        // place the member in, so a branch's year-end report need only look at these members.
        foreach (var named in profile.Changes.Select(c => c switch
                 {
                     MemberEnrolled e => e.Branch.Value,
                     MemberTransferred t => t.ToBranch.Value,
                     _ => null,
                 }).OfType<string>().Distinct(StringComparer.Ordinal))
            await w.WriteAsync("INSERT INTO {p}member_branches (branch, member) VALUES (@b, @m) ON CONFLICT (branch, member) DO NOTHING", ct,
                ("@b", named), ("@m", member)).ConfigureAwait(false);

        if (before.OrderBy(p => p.From).SequenceEqual(after))
        {
            if (stored.Any(p => p.Name != name))
                await w.WriteAsync("UPDATE {p}member_periods SET name = @n WHERE member = @m", ct, ("@m", member), ("@n", name)).ConfigureAwait(false);
            return;
        }
        await w.WriteAsync("DELETE FROM {p}member_periods WHERE member = @m", ct, ("@m", member)).ConfigureAwait(false);
        foreach (var period in after)
        {
            await w.WriteAsync("""
                INSERT INTO {p}member_periods (member, valid_from, valid_to, branch, grp, status, category, name)
                VALUES (@m, @from, @to, @b, @g, @s, @c, @n)
                """, ct, ("@m", member), ("@from", Sql.Date(period.From)), ("@to", Sql.Date(period.To)), ("@b", period.Branch.Value),
                ("@g", period.Group?.Value), ("@s", period.Status.ToString()), ("@c", period.Category.ToString()), ("@n", name)).ConfigureAwait(false);
        }
        await MoveSpansAsync(w, member, SpansOf(before.Select(p => (p.From, p.To))), SpansOf(after.Select(p => (p.From, p.To))), ct).ConfigureAwait(false);
        // While a rebuild fills there are no totals yet: they are derived from the final periods at the end.
        if (!w.Filling && before.Select(p => (p.From, p.To, p.Branch, p.Group)).SequenceEqual(after.Select(p => (p.From, p.To, p.Branch, p.Group))) is false)
            await RecountPointsAsync(w, member, ct).ConfigureAwait(false);
    }
}
