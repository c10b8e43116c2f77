using PointsEngine.Api.Registry;
using PointsEngine.Domain.Accounts;

namespace PointsEngine.Api.Access.Accounts;

/// Who may manage an account (#18: disable, enable, a new link, its integration tokens).
public static class AccountAccess
{
    /// Admins manage every account; a secretary the accounts of the members of their own branches, other
    /// than an admin's or an appraiser's.
    public static bool Manages(Caller caller, AccountState account, OrganisationSnapshot org) =>
        caller.Role == Role.Admin
        || (caller.Role == Role.Secretary && account.Role is Roles.Member or Roles.Secretary
            && account.Member is { } m && org.Members.TryGetValue(m, out var entry) && caller.Branches.Contains(entry.Branch));
}
