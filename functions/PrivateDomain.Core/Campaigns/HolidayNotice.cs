using System.Collections.Immutable;

namespace PrivateDomain.Campaigns;

/// <summary>
/// One year of the China working-day calendar as the State Council General Office published it (国务院办公厅关于
/// {year}年部分节假日安排的通知): the holiday spans and the weekend days made working days (调休上班日). It is data, read
/// from <c>content-templates/calendars/cn-{year}.json</c>, so operators publish a new year by adding a file.
/// </summary>
/// <param name="Year">The year the notice is for.</param>
/// <param name="FileName">The file it came from; errors and conflicts name it.</param>
/// <param name="Source">The notice, cited so a reviewer can check every date against it.</param>
/// <param name="Holidays">The holiday spans (放假调休), each non-working whatever the weekday.</param>
/// <param name="MakeUpWorkingDays">Saturdays and Sundays that are working days.</param>
public sealed record HolidayNotice(
    int Year,
    string FileName,
    NoticeSource Source,
    ImmutableArray<PublicHoliday> Holidays,
    ImmutableArray<MakeUpWorkingDay> MakeUpWorkingDays);

/// <summary>The citation of a holiday notice.</summary>
/// <param name="Title">The notice's title, e.g. <c>国务院办公厅关于2026年部分节假日安排的通知</c>.</param>
/// <param name="DocumentNumber">Its document number (发文字号), e.g. <c>国办发明电〔2025〕7号</c>.</param>
/// <param name="IssuedOn">The date it was issued (成文日期).</param>
/// <param name="Url">Where the government publishes it (www.gov.cn).</param>
/// <param name="Mirrors">Other places the same text is published (reprints), if any.</param>
public sealed record NoticeSource(string Title, string DocumentNumber, DateOnly IssuedOn, Uri Url, ImmutableArray<Uri> Mirrors);

/// <summary>A holiday span, inclusive at both ends: every day in it is non-working, weekdays included.</summary>
/// <param name="Name">The holiday as the notice names it, e.g. <c>春节</c>.</param>
/// <param name="From">The first day off.</param>
/// <param name="To">The last day off (on or after <paramref name="From"/>).</param>
public sealed record PublicHoliday(string Name, DateOnly From, DateOnly To);

/// <summary>A Saturday or Sunday that the notice makes a working day (调休上班日), to make up for a holiday.</summary>
/// <param name="Date">The day.</param>
/// <param name="For">The holiday it makes up for, e.g. <c>春节</c>.</param>
public sealed record MakeUpWorkingDay(DateOnly Date, string For);
