namespace PrivateDomain.Campaigns;

/// <summary>How the campaign days D-5, D-4 and D-3 are counted back from payday.</summary>
public enum PayrollDayCounting
{
    /// <summary>Working days: D-3 is the third working day before payday, so every campaign day is a working day
    /// (make-up Saturdays included) and a window before a holiday does not land on the holiday.</summary>
    WorkingDays,
    /// <summary>Calendar days: D-3 is three days before payday, whatever that day is.</summary>
    CalendarDays,
}
