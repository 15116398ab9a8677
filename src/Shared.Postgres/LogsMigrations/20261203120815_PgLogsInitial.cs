using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MailHost.Shared.Postgres.LogsMigrations
{
    /// <inheritdoc />
    public partial class PgLogsInitial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeliveryLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TimeUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    QueueId = table.Column<string>(type: "text", nullable: false),
                    MessageId = table.Column<string>(type: "text", nullable: false),
                    Sender = table.Column<string>(type: "text", nullable: false),
                    Recipient = table.Column<string>(type: "text", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Result = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    RemoteHost = table.Column<string>(type: "text", nullable: false),
                    TlsVersion = table.Column<string>(type: "text", nullable: false),
                    Cipher = table.Column<string>(type: "text", nullable: false),
                    AuthUser = table.Column<string>(type: "text", nullable: false),
                    TlsPolicy = table.Column<string>(type: "text", nullable: false),
                    Detail = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DmarcReceived",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ReceivedUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    OrgName = table.Column<string>(type: "text", nullable: false),
                    ReporterEmail = table.Column<string>(type: "text", nullable: false),
                    ReportId = table.Column<string>(type: "text", nullable: false),
                    PolicyDomain = table.Column<string>(type: "text", nullable: false),
                    BeginUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    EndUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    SourceIp = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Disposition = table.Column<string>(type: "text", nullable: false),
                    Dkim = table.Column<string>(type: "text", nullable: false),
                    Spf = table.Column<string>(type: "text", nullable: false),
                    HeaderFrom = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DmarcReceived", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DmarcReportsSent",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TimeUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    PolicyDomain = table.Column<string>(type: "text", nullable: false),
                    Recipient = table.Column<string>(type: "text", nullable: false),
                    ReportId = table.Column<string>(type: "text", nullable: false),
                    BeginUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    EndUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Records = table.Column<int>(type: "integer", nullable: false),
                    Messages = table.Column<int>(type: "integer", nullable: false),
                    Result = table.Column<string>(type: "text", nullable: false),
                    QueueId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DmarcReportsSent", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "HourBuckets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HourUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Listener = table.Column<string>(type: "text", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HourBuckets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MailAuthResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TimeUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    QueueId = table.Column<string>(type: "text", nullable: false),
                    MessageId = table.Column<string>(type: "text", nullable: false),
                    SourceIp = table.Column<string>(type: "text", nullable: false),
                    Helo = table.Column<string>(type: "text", nullable: false),
                    MailFromDomain = table.Column<string>(type: "text", nullable: false),
                    FromDomain = table.Column<string>(type: "text", nullable: false),
                    SpfHelo = table.Column<string>(type: "text", nullable: false),
                    Spf = table.Column<string>(type: "text", nullable: false),
                    Dkim = table.Column<string>(type: "text", nullable: false),
                    Dmarc = table.Column<string>(type: "text", nullable: false),
                    DmarcPolicyDomain = table.Column<string>(type: "text", nullable: false),
                    DmarcRequested = table.Column<string>(type: "text", nullable: false),
                    DmarcApplied = table.Column<string>(type: "text", nullable: false),
                    DmarcSpfAligned = table.Column<bool>(type: "boolean", nullable: false),
                    DmarcDkimAligned = table.Column<bool>(type: "boolean", nullable: false),
                    Arc = table.Column<string>(type: "text", nullable: false),
                    Policy = table.Column<string>(type: "text", nullable: false),
                    Disposition = table.Column<string>(type: "text", nullable: false),
                    RejectReason = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailAuthResults", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MtaStsPolicies",
                columns: table => new
                {
                    Domain = table.Column<string>(type: "text", nullable: false),
                    PolicyId = table.Column<string>(type: "text", nullable: false),
                    PolicyText = table.Column<string>(type: "text", nullable: false),
                    FetchedUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    CheckedUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MtaStsPolicies", x => x.Domain);
                });

            migrationBuilder.CreateTable(
                name: "TlsLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TimeUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Listener = table.Column<string>(type: "text", nullable: false),
                    RemoteEndpoint = table.Column<string>(type: "text", nullable: false),
                    Protocol = table.Column<string>(type: "text", nullable: false),
                    TlsVersion = table.Column<string>(type: "text", nullable: false),
                    Cipher = table.Column<string>(type: "text", nullable: false),
                    Sni = table.Column<string>(type: "text", nullable: false),
                    AuthMechanism = table.Column<string>(type: "text", nullable: false),
                    AuthResult = table.Column<string>(type: "text", nullable: false),
                    AuthUser = table.Column<string>(type: "text", nullable: false),
                    Handshake = table.Column<string>(type: "text", nullable: false),
                    OfferedVersions = table.Column<string>(type: "text", nullable: false),
                    Failure = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TlsReportCounters",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PeriodStartUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    PolicyDomain = table.Column<string>(type: "text", nullable: false),
                    PolicyType = table.Column<string>(type: "text", nullable: false),
                    PolicyStrings = table.Column<string>(type: "text", nullable: false),
                    PolicyMxHosts = table.Column<string>(type: "text", nullable: false),
                    PolicyHash = table.Column<string>(type: "text", nullable: false),
                    ResultType = table.Column<string>(type: "text", nullable: false),
                    ReceivingMxHost = table.Column<string>(type: "text", nullable: false),
                    ReceivingIp = table.Column<string>(type: "text", nullable: false),
                    SendingIp = table.Column<string>(type: "text", nullable: false),
                    FailureReason = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsReportCounters", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_MessageId",
                table: "DeliveryLog",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_QueueId",
                table: "DeliveryLog",
                column: "QueueId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_TimeUtc",
                table: "DeliveryLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DmarcReceived_PolicyDomain_SourceIp",
                table: "DmarcReceived",
                columns: new[] { "PolicyDomain", "SourceIp" });

            migrationBuilder.CreateIndex(
                name: "IX_DmarcReceived_ReceivedUtc",
                table: "DmarcReceived",
                column: "ReceivedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DmarcReportsSent_EndUtc",
                table: "DmarcReportsSent",
                column: "EndUtc");

            migrationBuilder.CreateIndex(
                name: "IX_HourBuckets_HourUtc_Kind_Listener_Key",
                table: "HourBuckets",
                columns: new[] { "HourUtc", "Kind", "Listener", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MailAuthResults_MessageId",
                table: "MailAuthResults",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_MailAuthResults_QueueId",
                table: "MailAuthResults",
                column: "QueueId");

            migrationBuilder.CreateIndex(
                name: "IX_MailAuthResults_TimeUtc",
                table: "MailAuthResults",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_MtaStsPolicies_ExpiresUtc",
                table: "MtaStsPolicies",
                column: "ExpiresUtc");

            migrationBuilder.CreateIndex(
                name: "IX_TlsLog_TimeUtc",
                table: "TlsLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_TlsReportCounters_Key",
                table: "TlsReportCounters",
                columns: new[] { "PeriodStartUtc", "PolicyDomain", "PolicyHash", "ResultType", "ReceivingMxHost", "ReceivingIp", "SendingIp", "FailureReason" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeliveryLog");

            migrationBuilder.DropTable(
                name: "DmarcReceived");

            migrationBuilder.DropTable(
                name: "DmarcReportsSent");

            migrationBuilder.DropTable(
                name: "HourBuckets");

            migrationBuilder.DropTable(
                name: "MailAuthResults");

            migrationBuilder.DropTable(
                name: "MtaStsPolicies");

            migrationBuilder.DropTable(
                name: "TlsLog");

            migrationBuilder.DropTable(
                name: "TlsReportCounters");
        }
    }
}
