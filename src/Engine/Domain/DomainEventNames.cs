using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain;

/// Stable stored names for every event type. Register these with the store's serializer; renaming a
/// CLR type must never change its stored name (old events must still read). A new shape of an event
/// gets a new name (V2.…) and the old type stays to read old events.
public static class DomainEventNames
{
    public static readonly IReadOnlyList<(Type Type, string StoredName)> All =
    [
        // Organisation
        (typeof(NetworkZoneRegistered), "V1.NetworkZoneRegistered"),
        (typeof(BranchRegistered), "V1.BranchRegistered"),
        (typeof(PartyGroupRegistered), "V1.PartyGroupRegistered"),
        (typeof(MemberEnrolled), "V1.MemberEnrolled"),
        (typeof(MemberTransferred), "V1.MemberTransferred"),
        (typeof(MemberLeft), "V1.MemberLeft"),
        (typeof(MemberCategoryChanged), "V1.MemberCategoryChanged"),
        (typeof(MemberStatusChanged), "V1.MemberStatusChanged"),
        (typeof(BranchSecretaryAppointed), "V1.BranchSecretaryAppointed"),
        (typeof(BranchSecretaryRelieved), "V1.BranchSecretaryRelieved"),
        // Facts as recorded
        (typeof(MeetingHeld), "V1.MeetingHeld"),
        (typeof(SuggestionSubmitted), "V1.SuggestionSubmitted"),
        (typeof(SuggestionAssessed), "V1.SuggestionAssessed"),
        (typeof(GoldenIdeaSubmitted), "V1.GoldenIdeaSubmitted"),
        (typeof(GoldenIdeaAwarded), "V1.GoldenIdeaAwarded"),
        (typeof(GoldenIdeaImplemented), "V1.GoldenIdeaImplemented"),
        (typeof(VolunteerServiceLogged), "V1.VolunteerServiceLogged"),
        (typeof(ManualAdjustment), "V1.ManualAdjustment"),
        (typeof(FactRevoked), "V1.FactRevoked"),
        (typeof(YearOpened), "V1.YearOpened"),
        (typeof(YearClosed), "V1.YearClosed"),
        (typeof(YearReopened), "V1.YearReopened"),
        (typeof(RuleSetPublished), "V1.RuleSetPublished"),
        (typeof(ActivityLogged), "V1.ActivityLogged"),
        // Workflows: member claims (申报) and public notices (公示) with objections (异议)
        (typeof(ClaimSubmitted), "V1.ClaimSubmitted"),
        (typeof(ClaimAccepted), "V1.ClaimAccepted"),
        (typeof(ClaimRejected), "V1.ClaimRejected"),
        (typeof(NoticePublished), "V1.NoticePublished"),
        (typeof(ObjectionRaised), "V1.ObjectionRaised"),
        (typeof(ObjectionAnswered), "V1.ObjectionAnswered"),
        (typeof(NoticeFinalised), "V1.NoticeFinalised"),
        // Workflows: meeting check-in (签到)
        (typeof(CheckInOpened), "V1.CheckInOpened"),
        (typeof(MemberCheckedIn), "V1.MemberCheckedIn"),
        (typeof(LeaveRequested), "V1.LeaveRequested"),
        (typeof(LeaveApproved), "V1.LeaveApproved"),
        (typeof(AttendanceMarked), "V1.AttendanceMarked"),
        (typeof(CheckInClosed), "V1.CheckInClosed"),
        // Member stream: accepted facts
        (typeof(AttendanceRecorded), "V1.AttendanceRecorded"),
        (typeof(SuggestionAssessmentRecorded), "V1.SuggestionAssessmentRecorded"),
        (typeof(GoldenIdeaAwardRecorded), "V1.GoldenIdeaAwardRecorded"),
        (typeof(GoldenIdeaImplementationRecorded), "V1.GoldenIdeaImplementationRecorded"),
        (typeof(VolunteerServiceRecorded), "V1.VolunteerServiceRecorded"),
        (typeof(AdjustmentRecorded), "V1.AdjustmentRecorded"),
        (typeof(ActivityRecorded), "V1.ActivityRecorded"),
        (typeof(RevocationRecorded), "V1.RevocationRecorded"),
        (typeof(MemberYearOpened), "V1.MemberYearOpened"),
        // Accounts (#18): who signs in; secrets only as digests
        (typeof(AccountInvited), "V1.AccountInvited"),
        (typeof(InvitationWithdrawn), "V1.InvitationWithdrawn"),
        (typeof(AccountActivated), "V1.AccountActivated"),
        (typeof(PasswordChanged), "V1.PasswordChanged"),
        (typeof(AccountRoleSet), "V1.AccountRoleSet"),
        (typeof(AccountDisabled), "V1.AccountDisabled"),
        (typeof(SessionStarted), "V1.SessionStarted"),
        (typeof(SessionEnded), "V1.SessionEnded"),
        (typeof(AccountEnabled), "V1.AccountEnabled"),
        (typeof(TokenIssued), "V1.TokenIssued"),
        (typeof(TokenRevoked), "V1.TokenRevoked"),
        // Member stream: decisions
        (typeof(PointsAwarded), "V1.PointsAwarded"),
        (typeof(PointsReverted), "V1.PointsReverted"),
        (typeof(PointsCorrected), "V1.PointsCorrected"),
    ];

    public static string Of(Type type) =>
        All.FirstOrDefault(p => p.Type == type).StoredName ?? throw new ArgumentException($"{type.Name} has no stored name.", nameof(type));
}
