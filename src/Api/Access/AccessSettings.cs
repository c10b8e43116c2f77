using PointsEngine.Domain.Organisation;

namespace PointsEngine.Api.Access;

/// The "Access" configuration section.
public sealed class AccessSettings
{
    public const string Section = "Access";

    /// How many days after a member left a secretary's branches (transferred out, or left the organisation)
    /// that secretary may still record facts about them, dated while they were in the branch; after it only
    /// an administrator may (#16 finding 2.4, <see cref="SecretaryReach"/>).
    public int FormerMemberGraceDays { get; set; } = SecretaryReach.DefaultGraceDays;

    /// How long an invitation link works (#18): a week by default, so a member who opens the group chat on
    /// the weekend still finds a working link. 1–90 days.
    public int InvitationDays { get; set; } = 7;
}
