"""SQLAlchemy models for the shop service.

These describe the schema as it is after the newest migration
(``alembic upgrade head``). They only need SQLAlchemy, so migrations/env.py
may import them for ``target_metadata``.
"""
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

ORDER_STATUSES = ("pending", "paid", "dispatched", "cancelled", "refunded", "on_hold")
PAYMENT_METHODS = ("card", "paypal", "bank_transfer")


class Customer(Base):
    __tablename__ = "customers"

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(255), nullable=False, unique=True)
    full_name = sa.Column(sa.String(120), nullable=False)
    phone = sa.Column(sa.String(32), nullable=True)
    marketing_opt_in = sa.Column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false()
    )
    created_at = sa.Column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )

    addresses = relationship("CustomerAddress", back_populates="customer")
    orders = relationship("Order", back_populates="customer")


class CustomerAddress(Base):
    __tablename__ = "customer_addresses"

    id = sa.Column(sa.Integer, primary_key=True)
    customer_id = sa.Column(
        sa.Integer, sa.ForeignKey("customers.id"), nullable=False
    )
    line1 = sa.Column(sa.String(200), nullable=False)
    city = sa.Column(sa.String(100), nullable=False)
    postcode = sa.Column(sa.String(16), nullable=False)
    country = sa.Column(sa.String(2), nullable=False)

    customer = relationship("Customer", back_populates="addresses")

    __table_args__ = (sa.Index("ix_addresses_customer_id", "customer_id"),)


class Product(Base):
    __tablename__ = "products"

    id = sa.Column(sa.Integer, primary_key=True)
    sku = sa.Column(sa.String(64), nullable=False, unique=True)
    name = sa.Column(sa.String(120), nullable=False)
    slug = sa.Column(sa.String(140), nullable=False)
    price_cents = sa.Column(sa.Integer, nullable=False)
    description = sa.Column(sa.Text, nullable=True)
    weight_grams = sa.Column(sa.Integer, nullable=True)
    created_at = sa.Column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )

    __table_args__ = (
        sa.UniqueConstraint("slug", name="uq_products_slug"),
        sa.Index("ix_products_name", "name"),
    )


class CartItem(Base):
    __tablename__ = "cart_items"

    id = sa.Column(sa.Integer, primary_key=True)
    customer_id = sa.Column(
        sa.Integer, sa.ForeignKey("customers.id"), nullable=False, index=True
    )
    product_id = sa.Column(
        sa.Integer, sa.ForeignKey("products.id"), nullable=False, index=True
    )
    quantity = sa.Column(sa.Integer, nullable=False, server_default="1")

    __table_args__ = (
        sa.UniqueConstraint(
            "customer_id", "product_id", name="uq_cart_items_customer_product"
        ),
    )


class Coupon(Base):
    __tablename__ = "coupons"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True)
    percent_off = sa.Column(sa.Integer, nullable=False)
    valid_until = sa.Column(sa.DateTime(timezone=True), nullable=True)
    max_redemptions = sa.Column(sa.Integer, nullable=False)


class Order(Base):
    __tablename__ = "orders"

    id = sa.Column(sa.Integer, primary_key=True)
    public_id = sa.Column(
        sa.String(36),
        nullable=False,
        default=lambda: str(uuid.uuid4()),
        server_default=sa.text("(gen_random_uuid())"),
    )
    customer_id = sa.Column(
        sa.Integer, sa.ForeignKey("customers.id"), nullable=False
    )
    status = sa.Column(
        sa.Enum(*ORDER_STATUSES, name="order_status"),
        nullable=False,
        server_default="pending",
    )
    total_cents = sa.Column(sa.BigInteger, nullable=False)
    # no server default in the database: see migration a7c3e1f05b24
    currency = sa.Column(sa.String(3), nullable=False, default="EUR")
    coupon_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("coupons.id", name="fk_orders_coupon_id_coupons"),
        nullable=True,
    )
    placed_at = sa.Column(sa.DateTime(timezone=True), nullable=False)
    created_at = sa.Column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )

    customer = relationship("Customer", back_populates="orders")
    coupon = relationship("Coupon")
    items = relationship("OrderItem", back_populates="order")
    payments = relationship("Payment", back_populates="order")

    __table_args__ = (
        sa.Index("ix_orders_customer_id", "customer_id"),
        sa.Index("ix_orders_coupon_id", "coupon_id"),
        sa.Index("ix_orders_status_created_at", "status", "created_at"),
        sa.Index("uq_orders_public_id", "public_id", unique=True),
    )


class OrderItem(Base):
    __tablename__ = "order_items"

    id = sa.Column(sa.Integer, primary_key=True)
    order_id = sa.Column(sa.Integer, sa.ForeignKey("orders.id"), nullable=False)
    product_id = sa.Column(
        sa.Integer, sa.ForeignKey("products.id"), nullable=False, index=True
    )
    quantity = sa.Column(sa.Integer, nullable=False)
    unit_price_cents = sa.Column(sa.Integer, nullable=False)

    order = relationship("Order", back_populates="items")
    product = relationship("Product")

    __table_args__ = (
        sa.UniqueConstraint(
            "order_id", "product_id", name="uq_order_items_order_product"
        ),
        sa.CheckConstraint("quantity > 0", name="ck_order_items_quantity_positive"),
    )


class Payment(Base):
    __tablename__ = "payments"

    id = sa.Column(sa.Integer, primary_key=True)
    order_id = sa.Column(sa.Integer, sa.ForeignKey("orders.id"), nullable=False)
    method = sa.Column(sa.Enum(*PAYMENT_METHODS, name="payment_method"), nullable=False)
    amount_cents = sa.Column(sa.BigInteger, nullable=False)
    created_at = sa.Column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )

    order = relationship("Order", back_populates="payments")

    __table_args__ = (sa.Index("ix_payments_order_id", "order_id"),)
