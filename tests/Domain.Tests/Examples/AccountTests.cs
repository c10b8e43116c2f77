using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

/// #18: accounts, one-time links and sessions as pure decisions over the account's events.
public sealed class when_a_person_is_invited_and_signs_in
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly MemberId Li = new("m-01");

    private static AccountInvited Invited(string link = "link-1", int days = 7) =>
        new("acc-1", link, "m-01", "李四", Li, "member", [], Now.AddDays(days), "secretary-b01", Now);

    private static SessionStarted Session(string id, DateTimeOffset? at = null) =>
        new("acc-1", id, "phone", false, at ?? Now, (at ?? Now).AddHours(12));

    private static AccountState Fold(IEnumerable<object> events) => events.Aggregate((AccountState?)null, AccountRules.Evolve)!;

    private static AccountState Apply(AccountState state, AccountDecision d)
    {
        Assert.Null(d.Refusal);
        return d.Events.Aggregate(state, (s, e) => AccountRules.Evolve(s, e)!);
    }

    [Fact]
    public void the_link_sets_the_first_password_and_starts_a_session()
    {
        var state = Apply(Fold([Invited()]), AccountRules.Redeem(Fold([Invited()]), "link-1", "stamp-1", Session("s1"), Now.AddHours(1)));
        Assert.True(state.Active);
        Assert.Equal("stamp-1", state.PasswordStamp);
        Assert.True(state.SessionLive("s1", Now.AddHours(2)));
        Assert.False(state.SessionLive("s1", Now.AddHours(13)));
    }

    [Fact]
    public void a_link_works_once()
    {
        var state = Apply(Fold([Invited()]), AccountRules.Redeem(Fold([Invited()]), "link-1", "stamp-1", Session("s1"), Now));
        Assert.Equal("link-used", AccountRules.Redeem(state, "link-1", "stamp-2", Session("s2"), Now).Refusal?.Code);
    }

    [Fact]
    public void an_expired_a_withdrawn_and_an_unknown_link_each_say_so()
    {
        var state = Fold([Invited(days: 7)]);
        Assert.Equal("link-expired", AccountRules.Redeem(state, "link-1", "p", Session("s"), Now.AddDays(7)).Refusal?.Code);
        Assert.Equal("link-unknown", AccountRules.Redeem(state, "other", "p", Session("s"), Now).Refusal?.Code);
        var withdrawn = Apply(state, AccountRules.Withdraw(state, "admin", Now));
        Assert.Equal("link-withdrawn", AccountRules.Redeem(withdrawn, "link-1", "p", Session("s"), Now).Refusal?.Code);
        Assert.Contains("过期", AccountRules.Redeem(state, "link-1", "p", Session("s"), Now.AddDays(8)).Refusal!.Chinese);
    }

    [Fact]
    public void a_new_link_for_a_forgotten_password_replaces_the_old_password_and_ends_every_session()
    {
        var state = Apply(Fold([Invited()]), AccountRules.Redeem(Fold([Invited()]), "link-1", "old", Session("s1"), Now));
        state = Apply(state, AccountRules.Invite(state, Invited("link-2")));
        state = Apply(state, AccountRules.Redeem(state, "link-2", "new", Session("s2"), Now.AddMinutes(5)));
        Assert.Equal("new", state.PasswordStamp);
        Assert.False(state.SessionLive("s1", Now.AddMinutes(6)));
        Assert.True(state.SessionLive("s2", Now.AddMinutes(6)));
    }

    [Fact]
    public void a_second_invitation_withdraws_the_first_link()
    {
        var state = Fold([Invited()]);
        state = Apply(state, AccountRules.Invite(state, Invited("link-2")));
        Assert.Equal("link-withdrawn", AccountRules.Redeem(state, "link-1", "p", Session("s"), Now).Refusal?.Code);
        Assert.Null(AccountRules.Redeem(state, "link-2", "p", Session("s"), Now).Refusal);
    }

    [Fact]
    public void disabling_ends_every_session_and_sign_in_then_gets_the_one_refusal()
    {
        var state = Apply(Fold([Invited()]), AccountRules.Redeem(Fold([Invited()]), "link-1", "p", Session("s1"), Now));
        state = Apply(state, AccountRules.SignIn(state, Session("s2")));
        state = Apply(state, AccountRules.Disable(state, "admin", "离开组织", Now));
        Assert.Empty(state.Sessions);
        Assert.False(state.SessionLive("s1", Now));
        Assert.Same(AccountRules.SignInRefused, AccountRules.SignIn(state, Session("s3")).Refusal);
    }

    [Fact]
    public void an_invited_account_without_a_password_cannot_sign_in()
    {
        Assert.Same(AccountRules.SignInRefused, AccountRules.SignIn(Fold([Invited()]), Session("s")).Refusal);
    }

    [Fact]
    public void signing_out_everywhere_ends_all_sessions_but_keeps_the_password()
    {
        var state = Apply(Fold([Invited()]), AccountRules.Redeem(Fold([Invited()]), "link-1", "p", Session("s1"), Now));
        state = Apply(state, AccountRules.SignIn(state, Session("s2")));
        state = Apply(state, AccountRules.SignOutEverywhere(state, Now));
        Assert.Empty(state.Sessions);
        Assert.True(state.Active);
    }
}
