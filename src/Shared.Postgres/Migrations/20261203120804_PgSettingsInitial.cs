using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MailHost.Shared.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PgSettingsInitial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Accounts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Address = table.Column<string>(type: "text", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: false),
                    QuotaBytes = table.Column<long>(type: "bigint", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    AllowSmtp = table.Column<bool>(type: "boolean", nullable: false),
                    AllowImap = table.Column<bool>(type: "boolean", nullable: false),
                    AllowPop3 = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AcmeAccounts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DirectoryUrl = table.Column<string>(type: "text", nullable: false),
                    ContactEmail = table.Column<string>(type: "text", nullable: false),
                    TermsAccepted = table.Column<bool>(type: "boolean", nullable: false),
                    TermsOfServiceUrl = table.Column<string>(type: "text", nullable: false),
                    AccountUrl = table.Column<string>(type: "text", nullable: false),
                    PrivateKeyPem = table.Column<string>(type: "text", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AcmeAccounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AdminUsers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserName = table.Column<string>(type: "text", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: false),
                    SecurityStamp = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Aliases",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Address = table.Column<string>(type: "text", nullable: false),
                    Targets = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Aliases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TimeUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: false),
                    Action = table.Column<string>(type: "text", nullable: false),
                    Entity = table.Column<string>(type: "text", nullable: false),
                    OldValue = table.Column<string>(type: "text", nullable: false),
                    NewValue = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Certificates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    FilePath = table.Column<string>(type: "text", nullable: false),
                    HostNames = table.Column<string>(type: "text", nullable: false),
                    Thumbprint = table.Column<string>(type: "text", nullable: false),
                    KeyAlgorithm = table.Column<string>(type: "text", nullable: false),
                    NotAfterUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Certificates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DkimKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Domain = table.Column<string>(type: "text", nullable: false),
                    Selector = table.Column<string>(type: "text", nullable: false),
                    Algorithm = table.Column<int>(type: "integer", nullable: false),
                    PrivateKeyPem = table.Column<string>(type: "text", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DkimKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Domains",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    MtaStsMode = table.Column<int>(type: "integer", nullable: false),
                    MtaStsMaxAgeSeconds = table.Column<int>(type: "integer", nullable: false),
                    MtaStsMx = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Domains", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IpBans",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Address = table.Column<string>(type: "text", nullable: false),
                    BannedUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UntilUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IpBans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IpRanges",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    LowerAddress = table.Column<string>(type: "text", nullable: false),
                    UpperAddress = table.Column<string>(type: "text", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    AllowSmtp = table.Column<bool>(type: "boolean", nullable: false),
                    AllowImap = table.Column<bool>(type: "boolean", nullable: false),
                    AllowPop3 = table.Column<bool>(type: "boolean", nullable: false),
                    AllowAuth = table.Column<bool>(type: "boolean", nullable: false),
                    RequireTlsForAuth = table.Column<bool>(type: "boolean", nullable: false),
                    AllowRelay = table.Column<bool>(type: "boolean", nullable: false),
                    AllowLocalDeliveryWithoutAuth = table.Column<bool>(type: "boolean", nullable: false),
                    NeverBan = table.Column<bool>(type: "boolean", nullable: false),
                    VerifySenderAuthentication = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IpRanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RelayRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    WhenAuthenticated = table.Column<bool>(type: "boolean", nullable: true),
                    IpRangeId = table.Column<int>(type: "integer", nullable: true),
                    SenderDomain = table.Column<string>(type: "text", nullable: false),
                    RecipientDomain = table.Column<string>(type: "text", nullable: false),
                    Action = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    SmartHost = table.Column<string>(type: "text", nullable: false),
                    SmartHostPort = table.Column<int>(type: "integer", nullable: false),
                    SmartHostUser = table.Column<string>(type: "text", nullable: false),
                    SmartHostPassword = table.Column<string>(type: "text", nullable: false),
                    OutboundTls = table.Column<int>(type: "integer", nullable: false),
                    OutboundTls12 = table.Column<bool>(type: "boolean", nullable: false),
                    OutboundTls13 = table.Column<bool>(type: "boolean", nullable: false),
                    OutboundDane = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RelayRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ServerSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Hostname = table.Column<string>(type: "text", nullable: false),
                    Banner = table.Column<string>(type: "text", nullable: false),
                    MaxMessageSize = table.Column<long>(type: "bigint", nullable: false),
                    MaxRecipients = table.Column<int>(type: "integer", nullable: false),
                    VrfyEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    ReceivedHeaderShowsAuthUser = table.Column<bool>(type: "boolean", nullable: false),
                    RetrySchedule = table.Column<string>(type: "text", nullable: false),
                    GiveUpAfterHours = table.Column<int>(type: "integer", nullable: false),
                    MaxConnectionsPerIp = table.Column<int>(type: "integer", nullable: false),
                    MaxErrorsPerSession = table.Column<int>(type: "integer", nullable: false),
                    MaxCommandsBeforeMail = table.Column<int>(type: "integer", nullable: false),
                    AuthFailLimit = table.Column<int>(type: "integer", nullable: false),
                    AuthFailWindowMinutes = table.Column<int>(type: "integer", nullable: false),
                    AuthBanMinutes = table.Column<int>(type: "integer", nullable: false),
                    MaxHeaderBytes = table.Column<int>(type: "integer", nullable: false),
                    MaxHeaderLineLength = table.Column<int>(type: "integer", nullable: false),
                    MinFreeDiskMegabytes = table.Column<int>(type: "integer", nullable: false),
                    LogRetentionDays = table.Column<int>(type: "integer", nullable: false),
                    LogRetentionMegabytes = table.Column<int>(type: "integer", nullable: false),
                    RejectSenderLoginMismatch = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TlsPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Tls10 = table.Column<bool>(type: "boolean", nullable: false),
                    Tls11 = table.Column<bool>(type: "boolean", nullable: false),
                    Tls12 = table.Column<bool>(type: "boolean", nullable: false),
                    Tls13 = table.Column<bool>(type: "boolean", nullable: false),
                    CipherList = table.Column<string>(type: "text", nullable: false),
                    Tls13Suites = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsPolicies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AcmeCertificates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Domains = table.Column<string>(type: "text", nullable: false),
                    AcmeAccountId = table.Column<int>(type: "integer", nullable: false),
                    Challenge = table.Column<string>(type: "text", nullable: false),
                    KeyType = table.Column<string>(type: "text", nullable: false),
                    MakeDefault = table.Column<bool>(type: "boolean", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    NotBeforeUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    NotAfterUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: false),
                    LastAttemptUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    NextAttemptUtc = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    PrivateKeyPem = table.Column<string>(type: "text", nullable: false),
                    RsaPrivateKeyPem = table.Column<string>(type: "text", nullable: false),
                    KeepKey = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AcmeCertificates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AcmeCertificates_AcmeAccounts_AcmeAccountId",
                        column: x => x.AcmeAccountId,
                        principalTable: "AcmeAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Listeners",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Protocol = table.Column<int>(type: "integer", nullable: false),
                    BindAddress = table.Column<string>(type: "text", nullable: false),
                    Port = table.Column<int>(type: "integer", nullable: false),
                    TlsMode = table.Column<int>(type: "integer", nullable: false),
                    AuthAllowed = table.Column<bool>(type: "boolean", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    TlsPolicyId = table.Column<int>(type: "integer", nullable: true),
                    MaxConnections = table.Column<int>(type: "integer", nullable: false),
                    IdleTimeoutSeconds = table.Column<int>(type: "integer", nullable: false),
                    ProxyProtocol = table.Column<int>(type: "integer", nullable: false),
                    ProxyTrustedSources = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Listeners", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Listeners_TlsPolicies_TlsPolicyId",
                        column: x => x.TlsPolicyId,
                        principalTable: "TlsPolicies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_Address",
                table: "Accounts",
                column: "Address",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AcmeAccounts_DirectoryUrl_ContactEmail",
                table: "AcmeAccounts",
                columns: new[] { "DirectoryUrl", "ContactEmail" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AcmeCertificates_AcmeAccountId",
                table: "AcmeCertificates",
                column: "AcmeAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_AcmeCertificates_Name",
                table: "AcmeCertificates",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AdminUsers_UserName",
                table: "AdminUsers",
                column: "UserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Aliases_Address",
                table: "Aliases",
                column: "Address",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_TimeUtc",
                table: "AuditLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Certificates_Name",
                table: "Certificates",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DkimKeys_Domain_Selector",
                table: "DkimKeys",
                columns: new[] { "Domain", "Selector" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Domains_Name",
                table: "Domains",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IpBans_Address",
                table: "IpBans",
                column: "Address");

            migrationBuilder.CreateIndex(
                name: "IX_IpRanges_Name",
                table: "IpRanges",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Listeners_Name",
                table: "Listeners",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Listeners_TlsPolicyId",
                table: "Listeners",
                column: "TlsPolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_TlsPolicies_Name",
                table: "TlsPolicies",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Accounts");

            migrationBuilder.DropTable(
                name: "AcmeCertificates");

            migrationBuilder.DropTable(
                name: "AdminUsers");

            migrationBuilder.DropTable(
                name: "Aliases");

            migrationBuilder.DropTable(
                name: "AuditLog");

            migrationBuilder.DropTable(
                name: "Certificates");

            migrationBuilder.DropTable(
                name: "DkimKeys");

            migrationBuilder.DropTable(
                name: "Domains");

            migrationBuilder.DropTable(
                name: "IpBans");

            migrationBuilder.DropTable(
                name: "IpRanges");

            migrationBuilder.DropTable(
                name: "Listeners");

            migrationBuilder.DropTable(
                name: "RelayRules");

            migrationBuilder.DropTable(
                name: "ServerSettings");

            migrationBuilder.DropTable(
                name: "AcmeAccounts");

            migrationBuilder.DropTable(
                name: "TlsPolicies");
        }
    }
}
