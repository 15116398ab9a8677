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
                name: "IX_TlsLog_TimeUtc",
                table: "TlsLog",
                column: "TimeUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeliveryLog");

            migrationBuilder.DropTable(
                name: "HourBuckets");

            migrationBuilder.DropTable(
                name: "MailAuthResults");

            migrationBuilder.DropTable(
                name: "TlsLog");
        }
    }
}
